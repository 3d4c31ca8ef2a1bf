package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.spi.LogEntry;
import io.consensus.zab.ZabMessage.Ack;
import io.consensus.zab.ZabMessage.Diff;
import io.consensus.zab.ZabMessage.NewLeader;
import io.consensus.zab.ZabMessage.Proposal;
import io.consensus.zab.ZabMessage.Snap;
import io.consensus.zab.ZabMessage.Trunc;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The synchronization-phase orderings where ZooKeeper lost committed data in production. Each
 * scenario runs twice: with the fault switch that re-creates the buggy ordering it must end in a
 * safety violation (so the scenario does catch the bug), and with the correct protocol it must not.
 */
class ZooKeeperBugsTest {

    /** Whether a message belongs to synchronization (what a follower must store before NEWLEADER's ACK). */
    private static boolean syncTraffic(ZabCluster.Msg m) {
        return m.message() instanceof Diff || m.message() instanceof Trunc || m.message() instanceof Snap
                || m.message() instanceof Proposal || m.message() instanceof NewLeader;
    }

    /**
     * Common start: c leads epoch 1 with a and b; a goes down; c proposes X, which only c stores;
     * c restarts, so c (holding X) and b hold an election and c leads epoch 2 with b. Leaves the
     * cluster where c is about to synchronize b with a DIFF carrying X and NEWLEADER.
     */
    private static ZabCluster leaderWithUncommittedX(ZabFaults faults) {
        ZabCluster cluster = new ZabCluster(ZabCluster.ids(3), 7, 10, 2, faults).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        cluster.crash("a");
        cluster.dropWhere(m -> m.to().equals("b") && m.message() instanceof Proposal);
        assertThat(cluster.propose("c", "X")).isTrue();
        cluster.run(1);
        cluster.dropWhere(m -> false);
        cluster.restart("c");
        assertThat(logText(cluster, "c")).contains("X");
        assertThat(logText(cluster, "b")).doesNotContain("X");
        // c and b elect c (its history is more recent); b persists its ACKEPOCH, then c plans b's DIFF.
        for (int i = 0; i < 400; i++) {
            cluster.deliverOnly(m -> !(m.to().equals("b") && syncTraffic(m)));
            if (cluster.network.stream().anyMatch(m -> m.to().equals("b") && m.message() instanceof NewLeader)) {
                return cluster;
            }
            cluster.tickAll();
        }
        throw new AssertionError("c never synchronized b:\n" + cluster.describe());
    }

    private static String logText(ZabCluster cluster, String id) {
        StringBuilder text = new StringBuilder();
        for (LogEntry entry : cluster.logOf(id)) {
            text.append(new String(entry.payload(), StandardCharsets.UTF_8)).append(',');
        }
        return text.toString();
    }

    private static boolean delivered(ZabCluster cluster, String payload) {
        return cluster.committed.values().stream()
                .anyMatch(e -> new String(e.payload(), StandardCharsets.UTF_8).equals(payload));
    }

    /** After c and b crash, a and b elect a leader of a new epoch and commit its first transaction. */
    private static void crashAndRecoverWithoutTheLeader(ZabCluster cluster) {
        cluster.crash("b");
        cluster.crash("c");
        cluster.node("b").autoSync = true;
        cluster.start("a");
        cluster.start("b");
        cluster.write("after");
    }

    // ---- ZOOKEEPER-3911 -----------------------------------------------------------------------

    private static ZabCluster zookeeper3911(ZabFaults faults) {
        ZabCluster cluster = leaderWithUncommittedX(faults);
        cluster.node("b").autoSync = false; // b's fsync of the DIFF has not happened yet
        cluster.deliverAll();
        return cluster;
    }

    @Test
    void zookeeper3911NewLeaderIsAcknowledgedOnlyAfterTheDiffIsDurable() {
        ZabCluster cluster = zookeeper3911(ZabFaults.NONE);
        assertThat(delivered(cluster, "X")).as("X waits for b's durable ACK of NEWLEADER").isFalse();
        crashAndRecoverWithoutTheLeader(cluster);
        assertThat(cluster.violations).isEmpty();
        assertThat(delivered(cluster, "after")).isTrue();
    }

    @Test
    void zookeeper3911FaultAcknowledgingBeforePersistLosesACommittedTransaction() {
        ZabCluster cluster = zookeeper3911(ZabFaults.onlyAckNewLeaderBeforePersist());
        assertThat(delivered(cluster, "X")).as("c committed X on b's premature ACK").isTrue();
        crashAndRecoverWithoutTheLeader(cluster);
        assertThat(cluster.violations).anyMatch(v -> v.contains("was delivered there before"));
    }

    // ---- ZOOKEEPER-4785 -----------------------------------------------------------------------

    private static ZabCluster zookeeper4785(ZabFaults faults) {
        ZabCluster cluster = leaderWithUncommittedX(faults);
        // The race: NEWLEADER is handled before the DIFF's transactions reach b's log.
        cluster.deliverOnly(m -> m.to().equals("b") && m.message() instanceof NewLeader);
        cluster.deliverOnly(m -> m.to().equals("c") && m.message() instanceof Ack);
        cluster.network.removeIf(m -> m.to().equals("b"));
        return cluster;
    }

    @Test
    void zookeeper4785NewLeaderIsAcknowledgedOnlyOnceTheDiffIsInTheLog() {
        ZabCluster cluster = zookeeper4785(ZabFaults.NONE);
        assertThat(delivered(cluster, "X")).isFalse();
        cluster.crash("c");
        cluster.start("a");
        cluster.write("after");
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void zookeeper4785FaultAcknowledgingBeforeTheDiffIsLoggedLosesACommittedTransaction() {
        ZabCluster cluster = zookeeper4785(ZabFaults.onlyAckNewLeaderBeforeDiffLogged());
        assertThat(delivered(cluster, "X")).as("c committed X on b's ACK").isTrue();
        cluster.crash("c");
        cluster.start("a");
        cluster.write("after");
        assertThat(cluster.violations).anyMatch(v -> v.contains("was delivered there before"));
    }

    // ---- ZOOKEEPER-3642 -----------------------------------------------------------------------

    /**
     * b falls far behind; c compacted its log, so it sends b a SNAP and crashes before the snapshot
     * arrives. a, the new leader, synchronizes b from whatever b reports; then b restarts.
     */
    private static ZabCluster zookeeper3642(ZabFaults faults) {
        ZabCluster cluster = new ZabCluster(ZabCluster.ids(3), 11, 10, 2, faults);
        cluster.snapshotEvery = 5;
        cluster.start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.crash("b");
        for (int i = 0; i < 12; i++) {
            cluster.write("w" + i);
        }
        assertThat(cluster.node("c").log.firstIndex()).as("c compacted its log").isGreaterThan(5);
        cluster.autoTransfer = false; // the snapshot stream is slow
        cluster.start("b");
        for (int i = 0; i < 200 && cluster.network.stream().noneMatch(ZooKeeperBugsTest::snapToB); i++) {
            cluster.deliverOnly(m -> !snapToB(m));
            cluster.tickAll();
        }
        cluster.deliverOnly(ZooKeeperBugsTest::snapToB);
        cluster.crash("c"); // before NEWLEADER, before the snapshot arrived
        cluster.autoTransfer = true;
        cluster.write("after");
        cluster.restart("b");
        cluster.run(30);
        return cluster;
    }

    private static boolean snapToB(ZabCluster.Msg m) {
        return m.to().equals("b") && m.message() instanceof Snap;
    }

    @Test
    void zookeeper3642SnapIsTakenOnlyOnceTheSnapshotIsDurablyInstalled() {
        ZabCluster cluster = zookeeper3642(ZabFaults.NONE);
        assertThat(cluster.violations).isEmpty();
        cluster.start("c");
        cluster.write("final");
        assertThat(cluster.violations).isEmpty();
        assertThat(cluster.node("b").log.latestSnapshot()).as("b was sent a snapshot by a").isPresent();
    }

    @Test
    void zookeeper3642FaultSnapKeptOnlyInMemoryLosesTheSnapshotOnRestart() {
        ZabCluster cluster = zookeeper3642(ZabFaults.onlySnapInMemoryOnly());
        // b took the snapshot's zxid as its own and a synchronized it from there with a DIFF: b's
        // state skips everything the snapshot held (and after a restart its durable history has a
        // hole there), while b's ACKs counted towards a's quorum.
        assertThat(cluster.violations).anyMatch(v -> v.startsWith("b restarted with transaction")
                || v.startsWith("b delivered") && v.endsWith("a gap"));
    }
}
