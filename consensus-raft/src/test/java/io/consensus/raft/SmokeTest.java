package io.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.ReadConsistency;
import org.junit.jupiter.api.Test;

class SmokeTest {

    @Test
    void threeMembersElectReplicateAndRead() {
        SimCluster c = new SimCluster(3, 1).start();
        String leader = c.awaitLeader(100);
        for (int i = 0; i < 20; i++) {
            assertThat(c.propose(leader, "x" + i)).isTrue();
        }
        c.run(5);
        assertThat(c.maxCommitted).isEqualTo(21);
        for (SimCluster.Node n : c.nodes.values()) {
            assertThat(n.applied).isEqualTo(21);
        }
        long r = c.read(leader, ReadConsistency.LINEARIZABLE);
        c.deliverAll();
        assertThat(c.grants).containsKey(r);
        long l = c.read(leader, ReadConsistency.LEASE);
        assertThat(c.grants).containsKey(l);
    }

    @Test
    void singleMember() {
        SimCluster c = new SimCluster(1, 1).start();
        String leader = c.awaitLeader(100);
        assertThat(c.propose(leader, "x")).isTrue();
        c.run(1);
        assertThat(c.maxCommitted).isEqualTo(2);
    }
}
