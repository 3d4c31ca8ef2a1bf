package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SmokeTest {

    @Test
    void threeMembersElectALeaderAndReplicate() {
        ZabCluster cluster = new ZabCluster(3, 1).start();
        String leader = cluster.awaitLeader();
        long index = cluster.write("hello");
        cluster.write("world");
        assertThat(cluster.violations).isEmpty();
        for (ZabCluster.Node node : cluster.nodes.values()) {
            assertThat(node.appliedIndex).as(node.id).isGreaterThanOrEqualTo(index + 1);
        }
        assertThat(leader).isEqualTo("c"); // equal histories: the highest id wins the election
    }
}
