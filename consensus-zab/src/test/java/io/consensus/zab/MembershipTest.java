package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.Member;
import io.consensus.api.MembershipChange;
import io.consensus.api.RejectedException;
import io.consensus.api.Role;
import io.consensus.api.spi.RequestOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Observers, and reconfiguration through the broadcast (one member at a time). */
class MembershipTest {

    private static RequestOutcome await(ZabCluster cluster, long requestId) {
        cluster.runUntil(() -> cluster.outcomes.containsKey(requestId), 400, "request " + requestId + " completes");
        return cluster.outcomes.get(requestId);
    }

    @Test
    void anObserverReceivesEveryCommitButNeverCounts() {
        ZabCluster cluster = new ZabCluster(List.of("a", "b", "c"), List.of("o"), 1, 10, 2, ZabFaults.NONE).start();
        cluster.write("x1");
        cluster.write("x2");
        ZabCluster.Node o = cluster.node("o");
        assertThat(o.role()).isEqualTo(Role.LEARNER);
        assertThat(o.appliedIndex).isEqualTo(cluster.node("c").appliedIndex);
        assertThat(o.core.status().state().leaderId()).isEqualTo("c");

        cluster.crash("a");
        cluster.crash("b");
        cluster.propose("c", "needs-a-voter");
        cluster.run(5);
        assertThat(cluster.committed.values()).noneMatch(e -> new String(e.payload()).equals("needs-a-voter"));
        cluster.start("a");
        cluster.start("b");
        cluster.write("after");
        assertThat(cluster.node("o").appliedIndex).isEqualTo(cluster.node("a").appliedIndex);
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void aFreshMemberIsAddedAsLearnerPromotedAndCountsOnlyInLaterEpochs() {
        ZabCluster cluster = new ZabCluster(3, 2).start();
        cluster.write("x1");
        cluster.addFreshMember("d");
        cluster.start("d");
        assertThat(cluster.node("d").core.participant()).as("fresh: does not vote").isFalse();
        assertThat(await(cluster, cluster.changeMembership("c", new MembershipChange.AddLearner(Member.local("d")))).succeeded())
                .isTrue();
        cluster.write("x2");
        assertThat(cluster.node("d").appliedIndex).isEqualTo(cluster.node("c").appliedIndex);
        assertThat(cluster.node("d").core.metadata().joined()).as("brought up to date: joined").isTrue();
        assertThat(await(cluster, cluster.changeMembership("c", new MembershipChange.Promote("d"))).succeeded()).isTrue();
        assertThat(await(cluster, cluster.changeMembership("c", new MembershipChange.Remove("a"))).succeeded()).isTrue();
        assertThat(cluster.node("c").core.membership().isVoter("a")).isFalse();
        assertThat(cluster.node("c").core.membership().isVoter("d")).isTrue();
        cluster.crash("a");
        cluster.write("without-a");

        // d joined in this epoch, so here only b and c count: without b, c cannot commit and steps down;
        // in the next epoch d counts, and c and d carry on.
        cluster.crash("b");
        cluster.run(3 * cluster.electionTicks);
        cluster.write("with-d");
        ZabCluster.Node leader = cluster.leader().orElseThrow();
        assertThat(leader.core.status().state().era()).isGreaterThan(1);
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void removingTheLeaderMakesItStepDownOnceCommitted() {
        ZabCluster cluster = new ZabCluster(3, 3).start();
        cluster.write("x1");
        assertThat(await(cluster, cluster.changeMembership("c", new MembershipChange.Remove("c"))).succeeded()).isTrue();
        cluster.run(1);
        assertThat(cluster.node("c").isLeader()).isFalse();
        cluster.write("after");
        assertThat(cluster.leader().orElseThrow().id).isIn("a", "b");
        assertThat(cluster.node("c").core.participant()).isFalse();
        assertThat(cluster.violations).isEmpty();
    }

    /**
     * The change's transaction reached a and b, but c stepped down before hearing their ACKs: the new
     * leader commits it with its initial history. A refusal means "not applied" to the caller, so c
     * must not answer with one; the runtime reports the request as timed out (outcome unknown).
     */
    @Test
    void aLeaderThatStepsDownWithAChangeInFlightDoesNotReportItRefused() {
        ZabCluster cluster = new ZabCluster(3, 5).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        cluster.dropWhere(m -> m.to().equals("c") && m.message() instanceof ZabMessage.Ack);
        long request = cluster.changeMembership("c", new MembershipChange.AddLearner(Member.local("d")));
        cluster.deliverAll();
        cluster.dropWhere(m -> false);
        cluster.isolate("c");
        cluster.run(3 * cluster.electionTicks);
        assertThat(cluster.node("c").isLeader()).isFalse();
        cluster.heal();
        cluster.write("after");

        assertThat(cluster.node("a").core.membership().isLearner("d")).as("the change took effect").isTrue();
        assertThat(cluster.outcomes.get(request)).as("never reported refused").isNull();
        assertThat(cluster.violations).isEmpty();
    }

    /**
     * The shared simulator's seed 1214 of the pause model: d, added empty as a voter, does not count
     * in the epoch it joins (it may have promised things before its disk was lost); removing a and b
     * would leave {c, d}, whose quorum needs d, so no leader could ever be established again. A
     * change needs a quorum of its new configuration among members that count now.
     */
    @Test
    void aChangeWhoseQuorumWouldNeedAMemberThatDoesNotCountYetIsRefusedUntilANewEpochMakesItCount() {
        ZabCluster cluster = new ZabCluster(3, 6).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        cluster.addFreshMember("d");
        cluster.start("d");
        assertThat(await(cluster, cluster.changeMembership("c", new MembershipChange.AddVoter(Member.local("d"))))
                .succeeded()).isTrue();
        cluster.write("x2");
        assertThat(await(cluster, cluster.changeMembership("c", new MembershipChange.Remove("a"))).succeeded()).isTrue();
        // {c, d} would need d, brought up to date in this epoch: refused (not applied), and the leader
        // starts a new epoch, in which d counts.
        RequestOutcome refused = await(cluster, cluster.changeMembership("c", new MembershipChange.Remove("b")));
        assertThat(refused.failure()).isEqualTo(RejectedException.Reason.NO_LEADER);
        assertThat(cluster.node("c").core.membership().isVoter("b")).isTrue();
        String leader = cluster.awaitLeader();
        cluster.write("still-live");
        assertThat(await(cluster, cluster.changeMembership(leader, new MembershipChange.Remove(leader.equals("b") ? "c" : "b")))
                .succeeded()).as("retried in the new epoch").isTrue();
        cluster.write("after");
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void invalidChangesAndChangesOnFollowersAreRefused() {
        ZabCluster cluster = new ZabCluster(3, 4).start();
        cluster.write("x1");
        assertThat(await(cluster, cluster.changeMembership("c", new MembershipChange.Remove("zz"))).failure())
                .isEqualTo(RejectedException.Reason.INVALID);
        assertThat(await(cluster, cluster.changeMembership("c", new MembershipChange.Promote("a"))).succeeded()).isTrue();
        assertThat(await(cluster, cluster.changeMembership("a", new MembershipChange.Remove("b"))).failure())
                .isEqualTo(RejectedException.Reason.NO_LEADER);
    }
}
