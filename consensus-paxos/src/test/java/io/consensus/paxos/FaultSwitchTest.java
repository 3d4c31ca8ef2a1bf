package io.consensus.paxos;

import static io.consensus.paxos.ScenarioTest.T;
import static io.consensus.paxos.ScenarioTest.acceptOf;
import static io.consensus.paxos.ScenarioTest.from;
import static io.consensus.paxos.ScenarioTest.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.ReadConsistency;
import io.consensus.paxos.PaxosCluster.Msg;
import io.consensus.paxos.PaxosMessage.Accept;
import io.consensus.paxos.PaxosMessage.Accepted;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each deliberate bug of {@link PaxosFaults} produces a safety violation the harness detects, in a
 * scenario where the correct protocol produces none. A checker that cannot fail proves nothing.
 */
class FaultSwitchTest {

    /** a gets x chosen by b and c, then crashes before telling them; b or c leads next and is asked to read. */
    static PaxosCluster readAfterElection(PaxosFaults faults) {
        PaxosCluster c = ScenarioTest.cluster(3, "a", faults);
        c.strict = false;
        c.start();
        assertThat(c.awaitLeader(5 * T)).isEqualTo("a");
        c.run(2);
        c.propose("a", "x");
        c.deliverMatching(type(Accept.class).or(type(Accepted.class)));
        assertThat(c.core("a").commitIndex()).isEqualTo(1); // a learnt slot 1 chosen; b and c do not know
        c.crash("a");
        c.network.clear();
        int took = c.runUntil(x -> x.leader() != null, 10 * T);
        assertThat(took).isNotNegative();
        String leader = c.leader();
        c.read(leader, ReadConsistency.LINEARIZABLE);
        c.propose(leader, "y");
        c.run(T);
        return c;
    }

    @Test
    void skipNoopFillLosesAChosenValueAndServesAStaleRead() {
        PaxosCluster correct = readAfterElection(PaxosFaults.NONE);
        assertThat(correct.violations).isEmpty();
        assertThat(correct.learntValues()).containsExactly("x", "y");
        assertThat(correct.grants).hasSize(1);
        PaxosCluster faulty = readAfterElection(PaxosFaults.SKIP_NOOP_FILL);
        assertThat(faulty.violations).anyMatch(v -> v.contains("slot 1"));
        assertThat(faulty.violations).anyMatch(v -> v.contains("was learnt before it was issued"));
    }

    /** b and c acknowledge x before it is durable; all three crash; b and c forget x, which a had learnt. */
    static PaxosCluster acknowledgeBeforePersist(PaxosFaults faults) {
        PaxosCluster c = ScenarioTest.cluster(3, "a", faults);
        c.strict = false;
        c.start();
        c.awaitLeader(5 * T);
        c.run(2);
        c.node("b").autoSync = false;
        c.node("c").autoSync = false;
        c.propose("a", "x");
        c.deliverAll();
        c.crash("b");
        c.crash("c");
        c.crash("a");
        c.restart("b");
        c.restart("c");
        c.runUntil(x -> x.leader() != null && x.core(x.leader()).leader.reads.established(), 10 * T);
        c.propose(c.leader(), "y");
        c.run(T);
        return c;
    }

    @Test
    void acceptWithoutPersistLosesAChosenValueInACrash() {
        PaxosCluster correct = acknowledgeBeforePersist(PaxosFaults.NONE);
        assertThat(correct.violations).isEmpty();
        assertThat(correct.learntValues()).containsExactly("y");
        PaxosCluster faulty = acknowledgeBeforePersist(PaxosFaults.ACCEPT_WITHOUT_PERSIST);
        assertThat(faulty.violations).anyMatch(v -> v.contains("slot 1 learnt as x"));
    }

    /** a's Accept of x in its old ballot reaches b and c after they chose y in slot 2 in a newer ballot. */
    static PaxosCluster lateAccept(PaxosFaults faults) {
        PaxosCluster c = ScenarioTest.cluster(3, "a", faults);
        c.strict = false;
        c.start();
        c.awaitLeader(5 * T);
        c.propose("a", "x1");
        c.run(2);
        c.propose("a", "x");
        List<Msg> late = c.hold(from("a").and(acceptOf(2)));
        c.isolate("a");
        String next = ScenarioTest.awaitLeaderAmong(c, Set.of("b", "c"));
        c.propose(next, "y");
        c.deliverAll();
        c.heal();
        c.network.clear();
        late.forEach(c::deliver);
        c.run(T);
        return c;
    }

    @Test
    void ignorePromisedBallotLetsAStaleProposalOverwriteAChosenValue() {
        PaxosCluster correct = lateAccept(PaxosFaults.NONE);
        assertThat(correct.violations).isEmpty();
        assertThat(correct.learntValues()).containsExactly("x1", "y");
        PaxosCluster faulty = lateAccept(PaxosFaults.IGNORE_PROMISED_BALLOT);
        assertThat(faulty.violations).anyMatch(v -> v.contains("slot 2"));
    }

    /**
     * a leads with a clock 10% slow. Right after a confirmed heartbeat round it is cut off; b and c
     * elect b after one election timeout of their clocks and choose writes, while a still believes
     * its lease.
     */
    static PaxosCluster leaseWithSlowClock(PaxosFaults faults) {
        int t = 20;
        PaxosCluster c = new PaxosCluster(PaxosCluster.ids(3), 3, t, 2, 0.1, faults)
                .randomFor(id -> new PaxosCluster.FixedRandom(id.equals("a") ? 0 : id.equals("b") ? 1 : t - 1));
        c.strict = false;
        c.start();
        assertThat(c.awaitLeader(5 * t)).isEqualTo("a");
        c.run(3 * t);
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
            if (c.core("a").role() == PaxosRole.LEADER) {
                c.read("a", ReadConsistency.LEASE);
            }
        }
        assertThat(c.leader()).isIn("b", "c");
        return c;
    }

    @Test
    void leaseWithoutDriftMarginServesAStaleReadWhenTheLeadersClockIsSlow() {
        PaxosCluster correct = leaseWithSlowClock(PaxosFaults.NONE);
        assertThat(correct.violations).isEmpty();
        assertThat(correct.node("a").readsServed).isPositive(); // it did serve lease reads while safe
        PaxosCluster faulty = leaseWithSlowClock(PaxosFaults.LEASE_WITHOUT_DRIFT_MARGIN);
        assertThat(faulty.violations).anyMatch(v -> v.contains("read") && v.contains("was learnt before it was issued"));
    }

    @Test
    void forgetWipedSlotsLosesSlotsChosenWithTheForgetfulAcceptor() {
        PaxosCluster correct = ScenarioTest.acceptedSlotsAboveAnInstalledSnapshot(PaxosFaults.NONE);
        assertThat(correct.violations).isEmpty();
        PaxosCluster faulty = ScenarioTest.acceptedSlotsAboveAnInstalledSnapshot(PaxosFaults.FORGET_WIPED_SLOTS);
        assertThat(faulty.violations).anyMatch(v -> v.contains("slot 22") || v.contains("slot 23") || v.contains("slot 24"));
    }

    @Test
    void theServiceLoaderProtocolHasNoFault() {
        assertThat(new PaxosProtocol().faults()).isEqualTo(PaxosFaults.NONE);
        assertThat(new PaxosFaults()).isEqualTo(PaxosFaults.NONE);
        assertThat(PaxosFaults.NONE.any()).isFalse();
        for (PaxosFaults one : List.of(PaxosFaults.SKIP_NOOP_FILL, PaxosFaults.ACCEPT_WITHOUT_PERSIST,
                PaxosFaults.IGNORE_PROMISED_BALLOT, PaxosFaults.LEASE_WITHOUT_DRIFT_MARGIN, PaxosFaults.FORGET_WIPED_SLOTS)) {
            assertThat(one.any()).isTrue();
        }
        assertThat(new PaxosProtocol().name()).isEqualTo("paxos");
        assertThat(io.consensus.core.Protocols.find("paxos")).isInstanceOf(PaxosProtocol.class);
    }
}
