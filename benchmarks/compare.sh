#!/usr/bin/env bash
# The whole comparison, in one command: builds this project, runs the peer harness (../shared/peers)
# with this library's adapter added beside Apache Ratis, SOFAJRaft and ZooKeeper (same driver, same
# JVM settings, repeats interleaved), then this project's own extra workloads (reads, value sizes,
# 5 members, 100 and 1,000 groups), and writes the median tables into docs/benchmarks.md between the
# "results" markers, with the date, the machine and this command.
#
# LONG: about 45 minutes with the defaults. Run it by hand on a quiet machine; never from CI.
#
#   benchmarks/compare.sh                          # everything, REPEAT=3
#   REPEAT=1 EXTRA_SETS="" benchmarks/compare.sh   # a quicker, noisier look
#
# Environment: REPEAT [3] (peer-harness repeats), SYSTEMS [ours and the three peers], CONCURRENCY
# [1 32 256], NOSYNC_C [256], EXTRA_SETS [extra,scale] (our own generator; empty: skip),
# EXTRA_REPEAT [1], PEERS_DIR [../shared/peers], SKIP_BUILD=1 (use this project's jars already
# built), and the harness's own knobs (WARMUP_S, MEASURE_S, ...: see ../shared/peers/run.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
peers="${PEERS_DIR:-$root/../shared/peers}"
REPEAT=${REPEAT:-3}
SYSTEMS=${SYSTEMS:-"consensus-raft consensus-paxos consensus-zab ratis jraft zookeeper"}
EXTRA_SETS=${EXTRA_SETS-"extra,scale"}
EXTRA_REPEAT=${EXTRA_REPEAT:-1}
command_line="$(printf '%q ' "$0" "$@")"
env_line="REPEAT=$REPEAT EXTRA_SETS=$EXTRA_SETS EXTRA_REPEAT=$EXTRA_REPEAT"
cd "$root"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "building this project (mvn -B -q install -DskipTests) ..."
  mvn -B -q install -DskipTests
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$peers"/. "$work"
chmod -R u+w "$work"
rm -rf "$work"/results/*.jsonl "$work"/results/logs
cp -r "$root/benchmarks/peers-adapter" "$work/adapter-consensus"
sed -i 's#<module>adapter-zookeeper</module>#&\n    <module>adapter-consensus</module>#' "$work/pom.xml"
sed -i 's#^declare -A ADAPTERS=(#&\n  [consensus-raft]="adapter-consensus peers.consensus.RaftSystem"\n  [consensus-paxos]="adapter-consensus peers.consensus.PaxosSystem"\n  [consensus-zab]="adapter-consensus peers.consensus.ZabSystem"#' "$work/run.sh"

# run.sh must build the harness and our adapter in the scratch copy, whatever SKIP_BUILD says for us.
(cd "$work" && SKIP_BUILD=0 SYSTEMS="$SYSTEMS" REPEAT="$REPEAT" ./run.sh)

stamp="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
mkdir -p benchmarks/results
peer_results="benchmarks/results/$stamp-peers.jsonl"
cp "$(ls -t "$work"/results/*.jsonl | head -1)" "$peer_results"
files=("$peer_results")
if [[ -n "$EXTRA_SETS" ]]; then
  extra_results="benchmarks/results/$stamp-extra.jsonl"
  java -jar benchmarks/target/benchmarks.jar suite --sets "$EXTRA_SETS" --repeat "$EXTRA_REPEAT" --out "$extra_results" \
    --warmup-s "${WARMUP_S:-5}" --measure-s "${MEASURE_S:-15}"
  files+=("$extra_results")
fi

tables="$work/tables.md"
{
  echo "<!-- results:begin (written by benchmarks/compare.sh; edit outside the markers) -->"
  echo "### Latest comparison: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'),"\
       "$(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr), $(java -version 2>&1 | head -1)."
  echo "- Command: \`$env_line $command_line\`"
  echo "- Records: $(printf '`%s` ' "${files[@]}")"
  echo
  java -jar benchmarks/target/benchmarks.jar report "${files[@]}" | sed 's/^fsync/- Physical limits: fsync/'
  echo "<!-- results:end -->"
} > "$tables"
awk -v tables="$tables" '
  /<!-- results:begin/ { while ((getline line < tables) > 0) print line; skipping = 1; next }
  /<!-- results:end -->/ { skipping = 0; next }
  !skipping { print }
' docs/benchmarks.md > "$work/benchmarks.md"
cp "$work/benchmarks.md" docs/benchmarks.md
echo "tables written to docs/benchmarks.md; records in ${files[*]}"
