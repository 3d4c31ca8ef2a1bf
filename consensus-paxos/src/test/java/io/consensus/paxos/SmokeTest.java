package io.consensus.paxos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmokeTest {

    @Test
    void threeMembersElectALeaderAndChooseCommandsInOrder() {
        PaxosCluster c = new PaxosCluster(3, 1).start();
        String leader = c.awaitLeader(100);
        for (int i = 0; i < 20; i++) {
            assertThat(c.propose(leader, "c" + i)).isTrue();
        }
        c.run(5);
        for (PaxosCluster.Node node : c.nodes.values()) {
            assertThat(node.applied).as(node.id).isEqualTo(c.maxLearnt);
        }
        assertThat(c.learntValues()).containsSubsequence("c0", "c1", "c19");
        c.checkObservedChosen();
        assertThat(c.violations).isEmpty();
    }

    @Test
    void oneMemberLeadsAlone() {
        PaxosCluster c = new PaxosCluster(1, 2).start();
        String leader = c.awaitLeader(100);
        assertThat(c.propose(leader, "x")).isTrue();
        c.run(2);
        assertThat(c.learntValues()).containsExactly("x");
    }
}
