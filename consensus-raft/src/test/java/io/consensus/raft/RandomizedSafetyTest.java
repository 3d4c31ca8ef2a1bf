package io.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Many seeds of random ticks, reordering, loss, duplication, partitions, crashes that lose unsynced
 * writes, snapshots, transfers and membership changes, on 3 and 5 members. The harness checks on
 * every step: at most one leader per term, committed entries never change (so every member's
 * committed sequence is a prefix of every other's), reads never miss a committed write. At the end
 * the faults heal and the cluster must commit again (liveness).
 */
class RandomizedSafetyTest {

    static final int SEEDS = Integer.getInteger("sim.seeds", 300);
    static final int STEPS = 3000;

    @Test
    void threeMembers() {
        for (int seed = 0; seed < SEEDS; seed++) {
            runSeed(seed, 3);
        }
    }

    @Test
    void fiveMembers() {
        for (int seed = 0; seed < SEEDS; seed++) {
            runSeed(100_000 + seed, 5);
        }
    }

    static Totals totals = new Totals();

    static final class Totals {
        long seeds;
        long leaderChanges;
        long commits;
        long crashes;
        long snapshotInstalls;
        long truncations;
        long reads;
        long okOutcomes;
        long transfersOk;
        long changesOk;
        long failedOutcomes;

        @Override
        public String toString() {
            return seeds + " seeds: " + leaderChanges + " leader changes, " + commits + " committed entries, " + crashes
                    + " crashes, " + snapshotInstalls + " snapshot installs, " + truncations + " truncations, " + reads
                    + " reads granted, " + transfersOk + " transfers ok, " + changesOk + " membership changes ok, " + okOutcomes + " ok / " + failedOutcomes + " failed changes+transfers+reads";
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void report() {
        System.out.println("RandomizedSafetyTest coverage: " + totals);
        assertThat(totals.leaderChanges).isGreaterThan(totals.seeds * 3);
        assertThat(totals.snapshotInstalls).isGreaterThan(totals.seeds / 4);
        assertThat(totals.truncations).isGreaterThan(totals.seeds / 4);
        assertThat(totals.crashes).isGreaterThan(totals.seeds);
        assertThat(totals.transfersOk).isGreaterThan(totals.seeds / 10);
        assertThat(totals.changesOk).isGreaterThan(totals.seeds / 10);
    }

    static SimCluster runSeed(long seed, int members) {
        SimCluster c = new SimCluster(SimCluster.ids(members), seed, 10, 2, 0.1, RaftFaults.NONE);
        try {
            run(c, new Random(seed ^ 0x5DEECE66DL));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " with " + members + " members failed: " + e.getMessage()
                    + "\n" + c, e);
        }
        return c;
    }

    static void run(SimCluster c, Random rnd) {
        c.start();
        c.nodes.values().forEach(n -> n.autoSync = false);
        List<String> ids = new ArrayList<>(c.nodes.keySet());
        int proposals = 0;
        Set<Long> transfers = new HashSet<>();
        Set<Long> changes = new HashSet<>();
        for (int step = 0; step < STEPS; step++) {
            String any = ids.get(rnd.nextInt(ids.size()));
            int r = rnd.nextInt(1000);
            if (r < 350) {
                c.tick(any);
            } else if (r < 700) {
                if (!c.network.isEmpty()) {
                    // mostly in order, sometimes reordered
                    int at = rnd.nextInt(4) == 0 ? rnd.nextInt(c.network.size()) : 0;
                    c.deliverAt(at);
                }
            } else if (r < 720) {
                if (!c.network.isEmpty()) {
                    c.network.remove(rnd.nextInt(c.network.size()));
                }
            } else if (r < 730) {
                if (!c.network.isEmpty()) {
                    c.network.add(c.network.get(rnd.nextInt(c.network.size())));
                }
            } else if (r < 740) {
                if (!c.snapshots.isEmpty()) {
                    c.deliverSnapshot(c.snapshots.remove(0));
                }
            } else if (r < 820) {
                c.sync(any);
            } else if (r < 880) {
                String leader = c.leader();
                c.propose(leader != null ? leader : any, "p" + proposals++);
            } else if (r < 900) {
                String leader = c.leader();
                if (c.node(leader != null ? leader : any).up) {
                    c.read(leader != null ? leader : any, ReadConsistency.LINEARIZABLE);
                }
            } else if (r < 902) {
                if (c.node(any).up && upCount(c) > 1) {
                    c.crash(any);
                    totals.crashes++;
                }
            } else if (r < 925) {
                if (!c.node(any).up) {
                    c.restart(any);
                    c.node(any).autoSync = false;
                }
            } else if (r < 928) {
                Set<String> group = new HashSet<>();
                for (String id : ids) {
                    if (rnd.nextBoolean()) {
                        group.add(id);
                    }
                }
                c.partition(group);
            } else if (r < 937) {
                c.heal();
            } else if (r < 945) {
                if (c.node(any).up) {
                    c.snapshot(any, rnd.nextInt(3));
                }
            } else if (r < 948) {
                String leader = c.leader();
                if (leader != null) {
                    transfers.add(c.transfer(leader, ids.get(rnd.nextInt(ids.size()))));
                }
            } else if (r < 952) {
                String leader = c.leader();
                if (leader != null) {
                    randomChange(c, leader, ids, rnd, changes);
                }
            } else {
                for (String id : ids) {
                    c.tick(id);
                }
            }
        }
        heal(c);
        totals.transfersOk += transfers.stream().filter(id -> c.outcomes.containsKey(id) && c.outcomes.get(id).succeeded()).count();
        totals.changesOk += changes.stream().filter(id -> c.outcomes.containsKey(id) && c.outcomes.get(id).succeeded()).count();
    }

    private static void randomChange(SimCluster c, String leader, List<String> ids, Random rnd, Set<Long> changes) {
        Membership m = c.core(leader).membership();
        String id = ids.get(rnd.nextInt(ids.size()));
        MembershipChange change;
        if (m.isVoter(id)) {
            change = rnd.nextBoolean() && m.voters().size() > 2 ? new MembershipChange.Remove(id)
                    : new MembershipChange.Remove(id);
            if (m.voters().size() <= 2) {
                return;
            }
        } else if (m.isLearner(id)) {
            change = new MembershipChange.Promote(id);
        } else {
            change = rnd.nextBoolean() ? new MembershipChange.AddVoter(Member.local(id))
                    : new MembershipChange.AddLearner(Member.local(id));
        }
        changes.add(c.changeMembership(leader, change));
    }

    private static int upCount(SimCluster c) {
        return (int) c.nodes.values().stream().filter(n -> n.up).count();
    }

    /** Heals every fault, then the cluster must elect a leader and commit on every member it has. */
    static void heal(SimCluster c) {
        c.heal();
        for (SimCluster.Node node : c.nodes.values()) {
            if (!node.up) {
                c.restart(node.id);
            }
            node.autoSync = true;
            c.sync(node.id);
        }
        long[] finalIndex = {-1};
        int took = c.runUntil(x -> {
            String l = x.leader();
            if (l == null) {
                return false;
            }
            if (finalIndex[0] < 0) {
                if (x.propose(l, "final")) {
                    finalIndex[0] = x.core(l).log.lastIndex();
                }
                return false;
            }
            return x.nodes.values().stream().filter(n -> x.core(l).membership().member(n.id).isPresent())
                    .allMatch(n -> n.applied >= finalIndex[0]);
        }, 100 * c.electionTicks);
        assertThat(took).as("liveness after healing\n%s", c).isNotNegative();
        totals.seeds++;
        totals.leaderChanges += c.leaderChanges;
        totals.commits += c.maxCommitted;
        totals.snapshotInstalls += c.snapshotInstalls;
        totals.truncations += c.truncations;
        totals.reads += c.grants.size();
        totals.okOutcomes += c.outcomes.values().stream().filter(o -> o.succeeded()).count();
        totals.failedOutcomes += c.outcomes.values().stream().filter(o -> !o.succeeded()).count();
    }
}
