package io.consensus.paxos;

import static io.consensus.paxos.ScenarioTest.from;
import static io.consensus.paxos.ScenarioTest.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.paxos.PaxosCluster.Msg;
import io.consensus.paxos.PaxosMessage.Accept;
import io.consensus.paxos.PaxosMessage.HeartbeatAck;
import io.consensus.paxos.PaxosMessage.Learned;
import io.consensus.paxos.PaxosMessage.Nack;
import io.consensus.paxos.PaxosMessage.NotMember;
import io.consensus.paxos.PaxosMessage.Prepare;
import io.consensus.paxos.PaxosMessage.Quiesce;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** An idle group stops ticking and talking (ProtocolCore.quiescent()), and nothing unsafe survives its sleep. */
class QuiescenceTest {

    private static final int T = ScenarioTest.T;

    /** Three members, a elected and x chosen everywhere; not yet idle for an election timeout. */
    private static PaxosCluster inUse() {
        PaxosCluster c = ScenarioTest.cluster(3, "a", PaxosFaults.NONE).quiescing().start();
        assertThat(c.awaitLeader(5 * T)).isEqualTo("a");
        assertThat(c.propose("a", "x")).isTrue();
        c.run(3);
        return c;
    }

    /** Leaves the group idle, as the runtime would, until every member sleeps. */
    private static PaxosCluster fallAsleep(PaxosCluster c) {
        c.runSkippingQuiescent(3 * T);
        for (String id : new String[] {"a", "b", "c"}) {
            assertThat(c.core(id).quiescent()).as(id + " quiescent\n" + c).isTrue();
        }
        return c;
    }

    private static PaxosCluster asleep() {
        return fallAsleep(inUse());
    }

    @Test
    void anIdleGroupGoesQuiescentAndThenSendsNothing() {
        PaxosCluster c = asleep();
        assertThat(c.runSkippingQuiescent(10 * T)).isZero();
        assertThat(c.core("a").role()).isEqualTo(PaxosRole.LEADER);
        assertThat(c.core("b").commitIndex()).isEqualTo(c.core("a").commitIndex());
        assertThat(c.core("c").commitIndex()).isEqualTo(c.core("a").commitIndex());
    }

    @Test
    void aGroupInUseDoesNotQuiesce() {
        PaxosCluster c = inUse();
        for (int i = 0; i < 5 * T; i++) {
            c.read("a", ReadConsistency.LINEARIZABLE); // a read every tick keeps the group awake
            c.runSkippingQuiescent(1);
            assertThat(c.core("a").quiescent()).isFalse();
        }
    }

    @Test
    void aProposalWakesTheLeaderAndItsAcceptsWakeTheFollowers() {
        PaxosCluster c = asleep();
        assertThat(c.propose("a", "y")).isTrue();
        assertThat(c.core("a").quiescent()).isFalse();
        assertThat(c.network).anyMatch(m -> m.message() instanceof Accept);
        c.runSkippingQuiescent(2);
        assertThat(c.core("b").quiescent()).isFalse();
        assertThat(c.core("b").commitIndex()).isEqualTo(c.core("a").commitIndex()).isEqualTo(2);
        fallAsleep(c); // and idle again, it sleeps again
    }

    /**
     * A quiescent leader's clock stood still, so whatever it knew of a lease is void: neither the round
     * the others answered last nor a late answer to the round before (sent within a lease of the
     * Quiesce, on its frozen clock) may let a lease read skip its own round.
     */
    @Test
    void aLateAnswerDoesNotRenewTheLeaseOfALeaderThatSlept() {
        long lastRound = asleep().core("a").leader.reads.lastSeq(); // the run is deterministic: the same again
        PaxosCluster c = inUse();
        Predicate<Msg> answerToRoundBefore = m -> m.message() instanceof HeartbeatAck h && h.seq() == lastRound - 1;
        List<Msg> late = new ArrayList<>();
        c.sent = m -> {
            if (answerToRoundBefore.test(m)) {
                late.add(m);
            }
        };
        c.dropIf(answerToRoundBefore);
        fallAsleep(c);
        assertThat(c.core("a").leader.reads.lastSeq()).isEqualTo(lastRound);
        assertThat(late).hasSize(2);
        c.heal();
        late.forEach(c::deliver);
        long read = c.read("a", ReadConsistency.LEASE);
        assertThat(c.grants).doesNotContainKey(read);
        c.deliverAll(); // the round the read started
        assertThat(c.grants).containsKey(read);
    }

    @Test
    void aFollowerWhoseLogIsNotTheLeadersAnswersTheQuiesceAndStaysAwake() {
        PaxosCluster c = asleep();
        long ballot = c.core("a").leader.ballot;
        long beyond = c.core("b").commitIndex() + 3;
        c.deliver(new Msg("a", "b", new Quiesce(ballot, beyond)));
        assertThat(c.core("b").quiescent()).isFalse();
        assertThat(c.network).anyMatch(m -> m.from().equals("b") && m.message() instanceof Learned);
        fallAsleep(c); // the answer wakes the leader, which finds b has all it has and quiesces again
    }

    /**
     * Slots beyond the leader's last one that only an older ballot proposed were not chosen (the
     * leader's phase 1 would have recovered them): they do not keep a member awake, and the next
     * proposal in their slot replaces them.
     */
    @Test
    void unchosenSlotsOfAnOlderBallotDoNotKeepAMemberAwake() {
        PaxosCluster c = inUse();
        c.dropIf(from("a").and(type(Accept.class)));
        c.propose("a", "v");
        c.deliverAll();
        assertThat(c.valueAt("a", 2)).isEqualTo("v");
        c.crash("a");
        c.heal();
        String next = c.awaitLeader(10 * T);
        c.restart("a");
        c.run(3);
        fallAsleep(c);
        assertThat(c.core(next).commitIndex()).isEqualTo(1);
        assertThat(c.valueAt("a", 2)).isEqualTo("v");
        assertThat(c.propose(next, "w")).isTrue();
        c.runSkippingQuiescent(3);
        assertThat(c.valueAt("a", 2)).isEqualTo("w");
        assertThat(c.learntValues()).containsExactly("x", "w");
    }

    @Test
    void aQuiesceOfASupersededBallotIsRefused() {
        PaxosCluster c = asleep();
        long stale = Ballot.of(Ballot.round(c.core("a").leader.ballot) - 1, 3);
        c.deliver(new Msg("c", "b", new Quiesce(stale, c.core("b").commitIndex())));
        assertThat(c.core("b").quiescent()).isFalse();
        assertThat(c.network).anyMatch(m -> m.to().equals("c") && m.message() instanceof Nack);
    }

    /**
     * The leader keeps telling a member it removed what is chosen until it has learnt its removal, so it
     * never campaigns; a group that fell asleep before its election timer fired would otherwise be woken
     * by it (the simulator, seed 7211).
     */
    @Test
    void aRemovedMemberLearnsItsRemovalBeforeTheGroupSleeps() {
        PaxosCluster c = inUse();
        List<Msg> prepares = new ArrayList<>();
        c.sent = m -> {
            if (m.message() instanceof Prepare) {
                prepares.add(m);
            }
        };
        long remove = c.changeMembership("a", new MembershipChange.Remove("c"));
        c.run(3);
        assertThat(c.outcomes.get(remove).succeeded()).isTrue();
        long removedIn = c.core("a").commitIndex();
        c.runSkippingQuiescent(5 * T);
        assertThat(c.core("c").commitIndex()).isGreaterThanOrEqualTo(removedIn);
        assertThat(c.core("c").canCampaign()).isFalse();
        assertThat(c.core("a").leader.peers).doesNotContainKey("c");
        assertThat(c.core("a").quiescent()).isTrue();
        assertThat(c.core("b").quiescent()).isTrue();
        assertThat(c.runSkippingQuiescent(10 * T)).isZero();
        assertThat(prepares).isEmpty();
    }

    /**
     * A member removed while cut off never hears of it from a leader, which talks only to members.
     * Refused as not in the group, it stops campaigning until it has learnt its removal, so it does not
     * wake the sleeping group every election timeout (the simulator, seed 19: it probed until shut down).
     */
    @Test
    void aMemberRemovedWhileCutOffStopsCampaigningAndLetsTheGroupSleep() {
        PaxosCluster c = inUse();
        c.isolate("c");
        long remove = c.changeMembership("a", new MembershipChange.Remove("c"));
        c.run(3);
        assertThat(c.outcomes.get(remove).succeeded()).isTrue();
        c.heal();
        List<Msg> fromC = new ArrayList<>();
        c.sent = m -> {
            if (m.from().equals("c") || m.to().equals("c")) {
                fromC.add(m);
            }
        };
        c.runSkippingQuiescent(5 * T);
        assertThat(fromC).anyMatch(m -> m.message() instanceof Prepare).anyMatch(m -> m.message() instanceof NotMember);
        assertThat(c.core("a").quiescent()).isTrue();
        assertThat(c.core("b").quiescent()).isTrue();
        assertThat(c.runSkippingQuiescent(10 * T)).isZero();
        assertThat(c.core("c").role()).isEqualTo(PaxosRole.FOLLOWER);
    }

    @Test
    void whenTheQuiescentLeaderIsGoneTheFollowersElectAnother() {
        PaxosCluster c = asleep();
        c.crash("a");
        // The runtime ticks a sleeping follower again once the leader's node is silent; here, tick them.
        String next = c.awaitLeader(10 * T);
        assertThat(next).isIn("b", "c");
        assertThat(c.propose(next, "z")).isTrue();
        c.run(3);
        assertThat(c.learntValues()).containsExactly("x", "z");
    }

    @Test
    void quiescenceCanBeTurnedOff() {
        PaxosCluster c = ScenarioTest.cluster(3, "a", PaxosFaults.NONE).start();
        assertThat(c.awaitLeader(5 * T)).isEqualTo("a");
        c.run(5 * T);
        assertThat(c.core("a").quiescent()).isFalse();
        assertThat(c.runSkippingQuiescent(T)).isPositive();
    }
}
