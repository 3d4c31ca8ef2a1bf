package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException;
import io.consensus.zab.ZabMessage.Ping;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads: linearizable ones confirm leadership with a quorum round first (as Raft's ReadIndex, not
 * ZooKeeper's sync-then-read); lease reads are served without one while the lease, shortened by the
 * drift bound, holds. The harness fails a read granted at a position that misses a transaction
 * committed before the read was asked.
 */
class ReadsTest {

    @Test
    void aLinearizableReadIsGrantedOnlyAfterAQuorumConfirmsTheLeader() {
        ZabCluster cluster = new ZabCluster(3, 1).start();
        cluster.write("x1");
        long readId = cluster.read("c", ReadConsistency.LINEARIZABLE);
        assertThat(cluster.grants).doesNotContainKey(readId);
        assertThat(cluster.network).anyMatch(m -> m.from().equals("c") && m.message() instanceof Ping);
        cluster.deliverAll();
        assertThat(cluster.grants.get(readId).index()).isEqualTo(cluster.node("c").core.commitIndex());
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void aFollowerRefusesConsistentReads() {
        ZabCluster cluster = new ZabCluster(3, 2).start();
        cluster.write("x1");
        long readId = cluster.read("a", ReadConsistency.LINEARIZABLE);
        cluster.deliverAll();
        assertThat(cluster.outcomes.get(readId).failure()).isEqualTo(RejectedException.Reason.NO_LEADER);
    }

    private static ZabCluster deposedLeaderIsAsked(ZabFaults faults) {
        ZabCluster cluster = new ZabCluster(ZabCluster.ids(3), 3, 10, 2, faults).start();
        cluster.write("x1");
        cluster.isolate("c");
        for (int i = 0; i < 400 && !cluster.node("b").isLeader(); i++) {
            cluster.tick("a");
            cluster.tick("b");
            cluster.deliverAll();
        }
        cluster.write("z"); // committed by b and a while c still believes it leads
        assertThat(cluster.node("c").isLeader()).isTrue();
        cluster.read("c", ReadConsistency.LINEARIZABLE);
        cluster.run(3 * cluster.electionTicks);
        return cluster;
    }

    @Test
    void aDeposedLeaderCannotServeALinearizableRead() {
        ZabCluster cluster = deposedLeaderIsAsked(ZabFaults.NONE);
        assertThat(cluster.grants).isEmpty();
        assertThat(cluster.outcomes.values()).anyMatch(o -> o.failure() == RejectedException.Reason.NO_LEADER);
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void faultServingWithoutAQuorumRoundReturnsAStaleReadAndIsCaught() {
        ZabCluster cluster = deposedLeaderIsAsked(ZabFaults.onlyServeReadWithoutQuorumRound());
        assertThat(cluster.violations).anyMatch(v -> v.contains("misses transaction"));
    }

    @Test
    void aLeaseReadIsServedWithoutARoundWhileTheLeaseHolds() {
        ZabCluster cluster = new ZabCluster(3, 4).start();
        cluster.write("x1");
        cluster.run(cluster.heartbeatTicks); // a heartbeat round, acknowledged
        int before = cluster.network.size();
        long readId = cluster.read("c", ReadConsistency.LEASE);
        assertThat(cluster.grants).containsKey(readId);
        assertThat(cluster.network).hasSize(before);
        cluster.isolate("c");
        for (int i = 0; i < cluster.electionTicks; i++) {
            cluster.tick("c");
        }
        long late = cluster.read("c", ReadConsistency.LEASE);
        assertThat(cluster.grants).as("the lease ran out: a round is needed").doesNotContainKey(late);
        assertThat(cluster.violations).isEmpty();
    }

    /**
     * c's clock runs 10% slow (the configured drift bound): a and b time out, elect b and commit z
     * before c's lease, counted on c's clock, would run out without the drift margin.
     */
    private static ZabCluster leaseAcrossDrift(ZabFaults faults) {
        ZabCluster cluster = new ZabCluster(ZabCluster.ids(3), 5, 40, 2, faults).start();
        cluster.write("x1");
        while (cluster.network.stream().noneMatch(m -> m.from().equals("c") && m.message() instanceof Ping)) {
            cluster.tick("c");
        }
        cluster.deliverAll(); // the round that starts c's lease
        cluster.isolate("c");
        boolean wrote = false;
        for (int step = 1; step <= 200 && !wrote; step++) {
            cluster.tick("a");
            cluster.tick("b");
            if (step % 10 != 0) {
                cluster.tick("c");
            }
            cluster.deliverAll();
            if (cluster.node("b").isLeader()) {
                cluster.propose("b", "z");
                cluster.deliverAll();
                wrote = true;
            }
        }
        assertThat(wrote).isTrue();
        assertThat(cluster.node("c").isLeader()).as("c still believes it leads").isTrue();
        cluster.read("c", ReadConsistency.LEASE);
        cluster.deliverAll();
        return cluster;
    }

    @Test
    void theLeaseIsShortenedByTheDriftBound() {
        ZabCluster cluster = leaseAcrossDrift(ZabFaults.NONE);
        assertThat(cluster.grants).isEmpty();
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void faultLeaseWithoutDriftMarginReturnsAStaleReadAndIsCaught() {
        ZabCluster cluster = leaseAcrossDrift(ZabFaults.onlyLeaseWithoutDriftMargin());
        assertThat(cluster.violations).anyMatch(v -> v.contains("misses transaction"));
    }

    @Test
    void withoutLeaseReadsALeaseReadTakesAQuorumRound() {
        ZabCluster cluster = new ZabCluster(3, 7);
        cluster.leaseReads = false;
        cluster.start();
        cluster.write("x1");
        cluster.run(cluster.heartbeatTicks);
        long readId = cluster.read("c", ReadConsistency.LEASE);
        assertThat(cluster.grants).doesNotContainKey(readId);
        cluster.deliverAll();
        assertThat(cluster.grants).containsKey(readId);
    }

    @Test
    void theLeaseIsTheElectionTimeoutLessDriftAndRounding() {
        ZabCluster cluster = new ZabCluster(List.of("a"), 6, 40, 2, ZabFaults.NONE).start();
        cluster.awaitLeader();
        ZabCore core = cluster.node("a").core;
        assertThat(core.leader.reads.leaseTicks()).isEqualTo((long) Math.floor(39 * 0.9) - 1);
    }
}
