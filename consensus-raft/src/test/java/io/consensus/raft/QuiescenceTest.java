package io.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.ReadConsistency;
import io.consensus.raft.RaftMessage.AppendEntries;
import io.consensus.raft.RaftMessage.HeartbeatResponse;
import io.consensus.raft.RaftMessage.Quiesce;
import org.junit.jupiter.api.Test;

/** An idle group stops ticking and talking (ProtocolCore.quiescent()), and nothing unsafe survives its sleep. */
class QuiescenceTest {

    private static final int T = ScenarioTest.T;

    /** Three members, a elected, one write committed everywhere, then left idle until all sleep. */
    private static SimCluster asleep() {
        SimCluster c = ScenarioTest.cluster(3, "a", RaftFaults.NONE).quiescing().start();
        assertThat(ScenarioTest.leaderAfterElection(c)).isEqualTo("a");
        c.propose("a", "x");
        c.run(3);
        c.runSkippingQuiescent(3 * T);
        for (String id : new String[] {"a", "b", "c"}) {
            assertThat(c.core(id).quiescent()).as(id + " quiescent").isTrue();
        }
        return c;
    }

    @Test
    void anIdleGroupGoesQuiescentAndThenSendsNothing() {
        SimCluster c = asleep();
        assertThat(c.runSkippingQuiescent(10 * T)).isZero();
        assertThat(c.core("a").role()).isEqualTo(RaftRole.LEADER);
        assertThat(c.core("b").commitIndex()).isEqualTo(c.core("a").commitIndex());
    }

    @Test
    void aGroupInUseDoesNotQuiesce() {
        SimCluster c = ScenarioTest.cluster(3, "a", RaftFaults.NONE).quiescing().start();
        ScenarioTest.leaderAfterElection(c);
        for (int i = 0; i < 5 * T; i++) {
            c.read("a", ReadConsistency.LINEARIZABLE); // a read every tick keeps the group awake
            c.runSkippingQuiescent(1);
            assertThat(c.core("a").quiescent()).isFalse();
        }
    }

    @Test
    void aProposalWakesTheLeaderAndItsAppendsWakeTheFollowers() {
        SimCluster c = asleep();
        assertThat(c.propose("a", "y")).isTrue();
        assertThat(c.core("a").quiescent()).isFalse();
        assertThat(c.pending()).anyMatch(m -> m.message() instanceof AppendEntries);
        c.runSkippingQuiescent(2);
        assertThat(c.core("b").quiescent()).isFalse();
        assertThat(c.core("b").commitIndex()).isEqualTo(c.core("a").commitIndex());
    }

    /**
     * A quiescent leader's clock stood still, so whatever it knew of a lease is void: a late answer to
     * a round sent before it slept must not make a lease read skip its round.
     */
    @Test
    void aLateAnswerDoesNotRenewTheLeaseOfALeaderThatSlept() {
        SimCluster c = asleep();
        long term = c.core("a").term();
        long lastRound = c.core("a").leader.reads.lastSeq();
        c.deliver(new SimCluster.Msg("b", "a", new HeartbeatResponse(term, lastRound)));
        c.deliver(new SimCluster.Msg("c", "a", new HeartbeatResponse(term, lastRound)));
        long read = c.read("a", ReadConsistency.LEASE);
        assertThat(c.grants).doesNotContainKey(read);
        c.deliverAll(); // the round the read started
        assertThat(c.grants).containsKey(read);
    }

    @Test
    void aFollowerWhoseLogIsNotTheLeadersAnswersTheQuiesceAndStaysAwake() {
        SimCluster c = asleep();
        long term = c.core("a").term();
        long beyond = c.core("b").commitIndex() + 3;
        c.deliver(new SimCluster.Msg("a", "b", new Quiesce(term, beyond)));
        assertThat(c.core("b").quiescent()).isFalse();
        assertThat(c.pending()).anyMatch(m -> m.from().equals("b") && m.message() instanceof HeartbeatResponse);
    }

    @Test
    void whenTheQuiescentLeaderIsGoneTheFollowersElectAnother() {
        SimCluster c = asleep();
        c.crash("a");
        // The runtime ticks a sleeping follower again once the leader's node is silent; here, tick them.
        String next = c.awaitLeader(10 * T);
        assertThat(next).isIn("b", "c");
        assertThat(c.propose(next, "z")).isTrue();
    }

    @Test
    void quiescenceCanBeTurnedOff() {
        SimCluster c = ScenarioTest.cluster(3, "a", RaftFaults.NONE).start();
        ScenarioTest.leaderAfterElection(c);
        c.run(5 * T);
        assertThat(c.core("a").quiescent()).isFalse();
        assertThat(c.runSkippingQuiescent(T)).isPositive();
    }
}
