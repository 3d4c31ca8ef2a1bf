package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.spi.LogEntry;
import io.consensus.zab.ZabMessage.Ack;
import io.consensus.zab.ZabMessage.Commit;
import io.consensus.zab.ZabMessage.Diff;
import io.consensus.zab.ZabMessage.NewLeader;
import io.consensus.zab.ZabMessage.Proposal;
import io.consensus.zab.ZabMessage.Resync;
import io.consensus.zab.ZabMessage.Snap;
import io.consensus.zab.ZabMessage.Trunc;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stories of failures around synchronization and broadcast, each checked end to end. */
class ScenarioTest {

    private static String text(LogEntry entry) {
        return new String(entry.payload(), StandardCharsets.UTF_8);
    }

    private static List<String> logText(ZabCluster cluster, String id) {
        List<String> texts = new ArrayList<>();
        for (LogEntry entry : cluster.logOf(id)) {
            texts.add(entry.index() + "@" + entry.era() + ":" + entry.kind() + ":" + text(entry));
        }
        return texts;
    }

    private static boolean delivered(ZabCluster cluster, String payload) {
        return cluster.committed.values().stream().anyMatch(e -> text(e).equals(payload));
    }

    private static long indexOf(ZabCluster cluster, String payload) {
        return cluster.committed.values().stream().filter(e -> text(e).equals(payload)).mapToLong(LogEntry::index)
                .findFirst().orElse(-1);
    }

    @Test
    void followerWithTransactionsTheNewLeaderNeverCommittedGetsTrunc() {
        ZabCluster cluster = new ZabCluster(3, 1).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        cluster.dropWhere(m -> m.message() instanceof Proposal);
        cluster.propose("c", "uncommitted");
        cluster.run(1);
        cluster.dropWhere(m -> false);
        cluster.crash("c");
        cluster.write("z"); // a and b elect b, whose log lacks c's transaction
        cluster.start("c");
        cluster.write("after");

        assertThat(cluster.received("c", Trunc.class)).as("c was sent TRUNC").isTrue();
        assertThat(logText(cluster, "c")).isEqualTo(logText(cluster, "b"));
        assertThat(delivered(cluster, "uncommitted")).isFalse();
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void followerBehindGetsDiff() {
        ZabCluster cluster = new ZabCluster(3, 2).start();
        cluster.write("x1");
        cluster.crash("a");
        for (int i = 0; i < 5; i++) {
            cluster.write("missed" + i);
        }
        cluster.deliveredMessages.clear();
        cluster.start("a");
        cluster.write("after");

        assertThat(cluster.received("a", Diff.class)).isTrue();
        assertThat(cluster.received("a", Trunc.class)).isFalse();
        assertThat(cluster.received("a", Snap.class)).isFalse();
        assertThat(cluster.node("a").core.lastSyncMode).isEqualTo(Histories.Mode.DIFF);
        assertThat(logText(cluster, "a")).isEqualTo(logText(cluster, "c"));
        assertThat(cluster.node("a").delivered).extracting(ScenarioTest::text).contains("missed4", "after");
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void followerFarBehindGetsSnap() {
        ZabCluster cluster = new ZabCluster(3, 3);
        cluster.snapshotEvery = 4;
        cluster.start();
        cluster.write("x1");
        cluster.crash("a");
        for (int i = 0; i < 12; i++) {
            cluster.write("missed" + i);
        }
        assertThat(cluster.node("c").log.firstIndex()).as("the leader compacted what a misses").isGreaterThan(4);
        cluster.start("a");
        cluster.write("after");

        assertThat(cluster.received("a", Snap.class)).isTrue();
        assertThat(cluster.coverage.get("snapshotInstalled")).isEqualTo(1);
        assertThat(cluster.node("a").log.latestSnapshot()).isPresent();
        assertThat(cluster.node("a").appliedIndex).isEqualTo(cluster.node("c").appliedIndex)
                .isGreaterThanOrEqualTo(indexOf(cluster, "after"));
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void leaderCrashBetweenProposalAndCommitKeepsAProposalAQuorumStored() {
        ZabCluster cluster = new ZabCluster(3, 4).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        cluster.dropWhere(m -> m.to().equals("c") && m.message() instanceof Ack); // c never hears the ACKs
        cluster.propose("c", "X");
        cluster.run(1);
        assertThat(delivered(cluster, "X")).as("not committed before the crash").isFalse();
        assertThat(logText(cluster, "a")).anyMatch(t -> t.endsWith(":X"));
        cluster.dropWhere(m -> false);
        cluster.crash("c");
        cluster.write("after"); // the new leader's initial history holds X: it commits with NEWLEADER
        cluster.start("c");
        cluster.write("final");

        long x = indexOf(cluster, "X");
        assertThat(x).isPositive();
        for (ZabCluster.Node node : cluster.nodes.values()) {
            assertThat(node.core.commitIndex()).as(node.id).isGreaterThanOrEqualTo(x);
        }
        assertThat(indexOf(cluster, "after")).isGreaterThan(x);
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void leaderCrashBetweenProposalAndCommitMayDropAProposalOnlyItStored() {
        ZabCluster cluster = new ZabCluster(3, 5).start();
        cluster.write("x1");
        cluster.dropWhere(m -> m.message() instanceof Proposal);
        cluster.propose("c", "lonely");
        cluster.run(1);
        cluster.dropWhere(m -> false);
        cluster.crash("c");
        cluster.write("after");
        cluster.start("c");
        cluster.write("final");
        assertThat(delivered(cluster, "lonely")).isFalse();
        assertThat(logText(cluster, "c")).noneMatch(t -> t.endsWith(":lonely"));
        assertThat(cluster.violations).isEmpty();
    }

    /** Each round: everyone restarts, c is kept down once, and a leader commits a write. */
    private static List<Long> epochsAcrossRestarts(ZabFaults faults) {
        ZabCluster cluster = new ZabCluster(ZabCluster.ids(3), 6, 10, 2, faults).start();
        List<Long> epochs = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            cluster.write("w" + round);
            epochs.add(cluster.leader().orElseThrow().core.status().state().era());
            for (String id : List.of("a", "b", "c")) {
                cluster.crash(id);
            }
            for (String id : round == 0 ? List.of("a", "b") : List.of("a", "b", "c")) {
                cluster.start(id);
            }
        }
        assertThat(cluster.violations).as("violations").isEmpty();
        return epochs;
    }

    @Test
    void aNewEpochIsNeverReusedAfterRestarts() {
        List<Long> epochs = epochsAcrossRestarts(ZabFaults.NONE);
        assertThat(epochs).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void faultSkippingEpochPersistenceReusesAnEpochAndIsCaught() {
        ZabCluster cluster = new ZabCluster(ZabCluster.ids(3), 6, 10, 2, ZabFaults.onlySkipEpochPersist()).start();
        cluster.write("w0");
        assertThat(cluster.leader().orElseThrow().id).isEqualTo("c");
        for (String id : List.of("a", "b", "c")) {
            cluster.crash(id);
        }
        cluster.start("a");
        cluster.start("b");
        cluster.write("w1"); // b leads: without durable epochs it proposes epoch 1 again
        assertThat(cluster.violations).anyMatch(v -> v.startsWith("two leaders in epoch"));
    }

    @Test
    void aMemberCrashesDuringSynchronizationAndRejoins() {
        ZabCluster cluster = new ZabCluster(3, 8).start();
        cluster.write("x1");
        cluster.crash("a");
        for (int i = 0; i < 4; i++) {
            cluster.write("missed" + i);
        }
        cluster.tornCrashes = true;
        cluster.start("a");
        cluster.node("a").autoSync = false;
        // a receives its DIFF and the transactions but crashes before NEWLEADER is acknowledged.
        for (int i = 0; i < 100 && !cluster.received("a", NewLeader.class); i++) {
            cluster.deliverOnly(m -> true);
            cluster.tickAll();
        }
        assertThat(cluster.received("a", Proposal.class)).isTrue();
        cluster.crash("a");
        cluster.node("a").autoSync = true;
        cluster.start("a");
        cluster.write("after");

        assertThat(logText(cluster, "a")).isEqualTo(logText(cluster, "c"));
        assertThat(cluster.node("a").delivered).extracting(ScenarioTest::text).contains("missed3", "after");
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void aFollowerNeverAppliesPastAGapAndIsResynchronized() {
        ZabCluster cluster = new ZabCluster(3, 9).start();
        cluster.write("x1");
        long before = cluster.node("a").core.commitIndex();
        cluster.deliveredMessages.clear();
        // The proposal of "gap" never reaches a; the next one does.
        cluster.dropWhere(m -> m.to().equals("a") && m.message() instanceof Proposal p
                && p.entries().stream().anyMatch(e -> text(e).equals("gap")));
        cluster.propose("c", "gap");
        cluster.network.removeIf(m -> m.to().equals("a") && m.message() instanceof Proposal);
        cluster.deliverOnly(m -> !m.to().equals("a"));
        cluster.dropWhere(m -> false);
        cluster.propose("c", "next");
        cluster.deliverOnly(m -> m.to().equals("a") && m.message() instanceof Proposal);
        ZabCluster.Node a = cluster.node("a");
        assertThat(a.core.lastIndex()).as("nothing stored past the gap").isEqualTo(before);
        assertThat(a.core.commitIndex()).isEqualTo(before);
        assertThat(cluster.network).anyMatch(m -> m.from().equals("a") && m.message() instanceof Resync);
        cluster.run(1); // the commit of "next", carried by no later proposal, goes out at the leader's tick
        assertThat(a.delivered).extracting(ScenarioTest::text).containsSubsequence("gap", "next");
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void partitionedLeaderIsReplacedAndItsUncommittedTailTruncated() {
        ZabCluster cluster = new ZabCluster(5, 10).start();
        assertThat(cluster.awaitLeader()).isEqualTo("e");
        cluster.write("x1");
        cluster.isolate("e");
        cluster.propose("e", "stranded");
        cluster.run(3 * cluster.electionTicks);
        String leader = cluster.awaitLeader();
        assertThat(leader).isNotEqualTo("e");
        cluster.write("majority");
        cluster.heal();
        cluster.write("healed");
        for (ZabCluster.Node node : cluster.nodes.values()) {
            assertThat(logText(cluster, node.id)).isEqualTo(logText(cluster, leader));
        }
        assertThat(delivered(cluster, "stranded")).isFalse();
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void aLoneCommitWaitsForTheNextProposalOrTickInsteadOfAMessageOfItsOwn() {
        ZabCluster cluster = new ZabCluster(3, 9).start();
        String leader = cluster.awaitLeader();
        cluster.run(2);
        long before = cluster.node(leader).core.commitIndex();
        cluster.deliveredMessages.clear();
        assertThat(cluster.propose(leader, "lone")).isTrue();
        cluster.deliverAll();
        assertThat(cluster.node(leader).core.commitIndex()).isEqualTo(before + 1);
        assertThat(cluster.deliveredMessages).noneMatch(m -> m.message() instanceof Commit);

        assertThat(cluster.propose(leader, "next")).isTrue(); // carries the commit point of "lone"
        cluster.deliverAll();
        assertThat(cluster.deliveredMessages).noneMatch(m -> m.message() instanceof Commit);
        for (ZabCluster.Node node : cluster.nodes.values()) {
            assertThat(node.delivered).extracting(ScenarioTest::text).contains("lone");
        }

        cluster.tick(leader); // "next" is committed, and no proposal followed: a COMMIT goes out
        assertThat(cluster.network).filteredOn(m -> m.message() instanceof Commit).hasSize(2);
        cluster.deliverAll();
        for (ZabCluster.Node node : cluster.nodes.values()) {
            assertThat(node.delivered).extracting(ScenarioTest::text).endsWith("lone", "next");
        }
        assertThat(cluster.violations).isEmpty();
    }
}
