package io.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.ReadConsistency;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each deliberate bug of {@link RaftFaults} produces a safety violation the harness detects, in a
 * scenario where the correct protocol produces none. A checker that cannot fail proves nothing.
 */
class FaultSwitchTest {

    static final int T = ScenarioTest.T;

    @Test
    void skipFigure8RuleCommitsAnEntryThatIsLaterOverwritten() {
        assertThat(ScenarioTest.figure8(RaftFaults.NONE).violations).isEmpty();
        SimCluster faulty = ScenarioTest.figure8(new RaftFaults(true, false, false, false));
        assertThat(faulty.violations).anyMatch(v -> v.contains("committed entry 2 changed")
                || v.contains("overwrite committed entry 2"));
    }

    /** a commits x with b's and c's acknowledgements; b and c crash before x was durable on them. */
    static SimCluster acknowledgeBeforePersist(RaftFaults faults) {
        SimCluster c = ScenarioTest.cluster(3, "a", faults);
        c.strict = false;
        c.start();
        ScenarioTest.leaderAfterElection(c);
        c.node("b").autoSync = false;
        c.node("c").autoSync = false;
        c.propose("a", "x"); // index 2
        c.deliverAll();
        c.crash("b");
        c.crash("c");
        c.crash("a");
        c.restart("b");
        c.restart("c");
        c.awaitLeader(10 * T); // b or c, whose no-op now takes index 2
        c.run(2);
        return c;
    }

    @Test
    void acknowledgeBeforePersistLosesACommittedEntryInACrash() {
        SimCluster correct = acknowledgeBeforePersist(RaftFaults.NONE);
        assertThat(correct.violations).isEmpty();
        SimCluster faulty = acknowledgeBeforePersist(new RaftFaults(false, true, false, false));
        assertThat(faulty.violations).anyMatch(v -> v.contains("committed entry 2 changed"));
    }

    /**
     * a leads with a clock 10% slow. Right after a confirmed heartbeat round it is cut off; b and c
     * elect b after one election timeout of their clocks and commit a write, while a still believes
     * its lease.
     */
    static SimCluster leaseWithSlowClock(RaftFaults faults) {
        int t = 20;
        SimCluster c = new SimCluster(SimCluster.ids(3), 3, t, 2, 0.1, faults)
                .randomFor(id -> new SimCluster.FixedRandom(id.equals("a") ? 0 : id.equals("b") ? 1 : t - 1));
        c.strict = false;
        c.start();
        assertThat(c.awaitLeader(5 * t)).isEqualTo("a");
        c.run(3 * t);
        // Cut a off just after the round it sent on its last tick was acknowledged.
        c.partition(Set.of("a"));
        int aTicks = 0;
        for (int real = 1; real <= 3 * t; real++) {
            c.tick("b");
            c.tick("c");
            if ((int) Math.floor(real * 0.9) > aTicks) {
                aTicks++;
                c.tick("a");
            }
            c.deliverAll();
            String leader = c.leader();
            if (leader != null && !leader.equals("a")) {
                c.propose(leader, "w" + real);
                c.deliverAll();
            }
            if (c.core("a").role() == RaftRole.LEADER) {
                c.read("a", ReadConsistency.LEASE);
            }
        }
        assertThat(c.leader()).isIn("b", "c");
        return c;
    }

    @Test
    void leaseWithoutDriftMarginServesAStaleReadWhenTheLeadersClockIsSlow() {
        SimCluster correct = leaseWithSlowClock(RaftFaults.NONE);
        assertThat(correct.violations).isEmpty();
        assertThat(correct.node("a").readsServed).isPositive(); // it did serve lease reads while safe
        SimCluster faulty = leaseWithSlowClock(new RaftFaults(false, false, true, false));
        assertThat(faulty.violations).anyMatch(v -> v.contains("read") && v.contains("on a granted"));
    }

    /** a commits x, then crashes before telling anyone; b is elected and is asked to read. */
    static SimCluster readAfterElection(RaftFaults faults) {
        SimCluster c = ScenarioTest.cluster(3, "a", faults);
        c.strict = false;
        c.start();
        c.awaitLeader(10 * T);
        c.run(2);
        c.propose("a", "x");
        c.deliverAll(); // b and c store x, a commits it; no one else knows yet
        assertThat(c.core("a").commitIndex()).isEqualTo(c.core("a").log.lastIndex());
        c.crash("a");
        c.runUntil(x -> x.leader() != null && !x.leader().equals("a"), 10 * T);
        String leader = c.leader();
        c.read(leader, ReadConsistency.LINEARIZABLE);
        c.run(2);
        return c;
    }

    @Test
    void skipNoopServesAReadBeforeTheNewLeaderKnowsWhatIsCommitted() {
        SimCluster correct = readAfterElection(RaftFaults.NONE);
        assertThat(correct.violations).isEmpty();
        assertThat(correct.grants).hasSize(1);
        SimCluster faulty = readAfterElection(new RaftFaults(false, false, false, true));
        assertThat(faulty.violations).anyMatch(v -> v.contains("was committed before it was issued"));
    }

    @Test
    void theServiceLoaderProtocolHasNoFault() {
        assertThat(new RaftProtocol().faults()).isEqualTo(RaftFaults.NONE);
        assertThat(RaftFaults.NONE.any()).isFalse();
        assertThat(new RaftFaults(false, false, false, true).any()).isTrue();
    }
}
