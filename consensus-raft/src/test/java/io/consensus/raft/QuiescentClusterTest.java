package io.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.GroupStatus;
import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import io.consensus.api.spi.Transport;
import io.consensus.core.Consensus;
import io.consensus.core.runtime.LocalNetwork;
import io.consensus.storage.memory.MemoryNodeStorage;
import io.consensus.testkit.KvStateMachine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Quiescence through the real runtime, on real threads: an idle Raft group falls asleep and its
 * members stop sending group messages (node liveness messages go on), a request wakes it, and a
 * leader cut off in its sleep is replaced because its node falls silent.
 */
class QuiescentClusterTest {

    private final LocalNetwork network = new LocalNetwork();
    private final AtomicLong groupMessages = new AtomicLong();
    private final List<ConsensusGroup> groups = new ArrayList<>();

    @AfterEach
    void close() {
        groups.forEach(ConsensusGroup::close);
    }

    private void start(int size) {
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            members.add(Member.local("n" + i));
        }
        for (Member member : members) {
            ConsensusConfig config = ConsensusConfig.builder().memberId(member.id()).members(members)
                    .storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE).bootstrap(true)
                    .tick(Duration.ofMillis(5)).heartbeatInterval(Duration.ofMillis(20))
                    .electionTimeout(Duration.ofMillis(150)).build();
            groups.add(Consensus.group(config).stateMachine(new KvStateMachine()).storage(new MemoryNodeStorage())
                    .transport(counting(network.transport(member.id()))).build());
        }
    }

    /** Counts the envelopes of groups, leaving out the node liveness messages (empty group id). */
    private Transport counting(Transport inner) {
        return new Transport() {
            @Override
            public void start(Receiver receiver) {
                inner.start(receiver);
            }

            @Override
            public void updateMembers(Collection<Member> members) {
                inner.updateMembers(members);
            }

            @Override
            public void send(Envelope envelope) {
                if (!envelope.groupId().isEmpty()) {
                    groupMessages.incrementAndGet();
                }
                inner.send(envelope);
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }

    private ConsensusGroup leader() {
        return groups.stream().filter(g -> g.status().isLeader()).findFirst().orElse(null);
    }

    private boolean allAsleep() {
        return groups.stream().map(ConsensusGroup::status).allMatch(GroupStatus::quiescent);
    }

    private static String put(ConsensusGroup group, String key, String value) throws Exception {
        byte[] result = group.submit(KvStateMachine.put(key, value)).get(10, TimeUnit.SECONDS);
        return new String(result, StandardCharsets.UTF_8);
    }

    @Test
    void anIdleGroupFallsSilentAndAWriteWakesIt() throws Exception {
        start(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> leader() != null);
        put(leader(), "a", "1");
        await().atMost(Duration.ofSeconds(10)).until(this::allAsleep);

        long before = groupMessages.get();
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> groupMessages.get() == before);

        ConsensusGroup follower = groups.stream().filter(g -> !g.status().isLeader()).findFirst().orElseThrow();
        put(follower, "b", "2"); // forwarded to the sleeping leader, which wakes
        assertThat(groupMessages.get()).isGreaterThan(before);
        await().atMost(Duration.ofSeconds(10)).until(this::allAsleep);
    }

    @Test
    void aLeaderCutOffWhileTheGroupSleepsIsReplaced() throws Exception {
        start(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> leader() != null);
        put(leader(), "a", "1");
        await().atMost(Duration.ofSeconds(10)).until(this::allAsleep);

        String sleeper = leader().memberId();
        network.isolate(sleeper);
        // No heartbeat will come: the followers learn of it from the silence of the leader's node.
        await().atMost(Duration.ofSeconds(10)).until(() -> groups.stream()
                .anyMatch(g -> g.status().isLeader() && !g.memberId().equals(sleeper)));
        ConsensusGroup next = groups.stream()
                .filter(g -> g.status().isLeader() && !g.memberId().equals(sleeper)).findFirst().orElseThrow();
        assertThat(put(next, "b", "2")).isEqualTo("ok");
    }
}
