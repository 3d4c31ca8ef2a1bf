package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.consensus.api.ConfigException;
import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Member;
import io.consensus.api.Outcome;
import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException;
import io.consensus.api.StateMachine;
import io.consensus.api.StateMachineException;
import io.consensus.api.SubmitOptions;
import io.consensus.api.TimeoutException;
import io.consensus.core.Consensus;
import io.consensus.storage.memory.MemoryNodeStorage;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The runtime's guarantees, driven by {@link FixedLeaderProtocol} over real threads in one JVM. */
class RuntimeTest {

    private final LocalNetwork network = new LocalNetwork();
    private final List<ConsensusGroup> groups = new ArrayList<>();
    private final List<RecordingStateMachine> machines = new ArrayList<>();

    /** Appends each command to a list; "fail" throws; the result is the command's index. */
    static final class RecordingStateMachine implements StateMachine {
        final List<String> applied = Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.atomic.AtomicInteger queries = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.Set<String> applyThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final java.util.Set<String> snapshotThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public byte[] apply(long index, byte[] command) {
            String text = new String(command, StandardCharsets.UTF_8);
            if (text.equals("fail")) {
                throw new IllegalArgumentException("refused " + text);
            }
            applied.add(text);
            applyThreads.add(Thread.currentThread().getName());
            return Long.toString(index).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] query(byte[] query) {
            queries.incrementAndGet();
            return String.join(",", applied).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void snapshot(OutputStream out) throws java.io.IOException {
            snapshotThreads.add(Thread.currentThread().getName());
            out.write(String.join("\n", applied).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void restore(InputStream in) throws java.io.IOException {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            applied.clear();
            if (!text.isEmpty()) {
                applied.addAll(List.of(text.split("\n")));
            }
        }
    }

    private void startCluster(int size, int maxPending) {
        startCluster(size, maxPending, b -> b);
    }

    private void startCluster(int size, int maxPending, java.util.function.UnaryOperator<ConsensusConfig.Builder> configure) {
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            members.add(Member.local("n" + i));
        }
        for (Member member : members) {
            ConsensusConfig config = configure.apply(ConsensusConfig.builder()
                    .protocol("fixed-leader")
                    .memberId(member.id())
                    .members(members)
                    .storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE)
                    .bootstrap(true)
                    .maxPendingProposals(maxPending))
                    .build();
            RecordingStateMachine machine = new RecordingStateMachine();
            machines.add(machine);
            groups.add(Consensus.group(config).stateMachine(machine)
                    .storage(new MemoryNodeStorage())
                    .transport(network.transport(member.id()))
                    .build());
        }
    }

    @AfterEach
    void close() {
        groups.forEach(ConsensusGroup::close);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(CompletableFuture<byte[]> future) throws Exception {
        return new String(future.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    @Test
    void commandsApplyInCommitOrderAndFuturesCompleteAfterApply() throws Exception {
        startCluster(1, 1000);
        ConsensusGroup leader = groups.get(0);
        List<CompletableFuture<Boolean>> seenApplied = new ArrayList<>();

        for (int i = 0; i < 200; i++) {
            String command = "c" + i;
            seenApplied.add(leader.submit(bytes(command)).thenApply(r -> machines.get(0).applied.contains(command)));
        }

        for (CompletableFuture<Boolean> seen : seenApplied) {
            assertThat(seen.get(10, TimeUnit.SECONDS)).as("future completed after the command applied").isTrue();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add("c" + i);
        }
        assertThat(machines.get(0).applied).containsExactlyElementsOf(expected);
    }

    @Test
    void applyingInlineRunsCommandsOnTheEventLoopInOrderAndSnapshotsOffIt() throws Exception {
        startCluster(3, 1000, b -> b.applyInline(true).snapshotThresholdEntries(50));
        List<CompletableFuture<byte[]>> results = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add("c" + i);
            // Alternating leader and follower: forwarded commands take the same path once committed.
            results.add(groups.get(i % 2).submit(bytes("c" + i)));
        }
        for (CompletableFuture<byte[]> result : results) {
            result.get(10, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> machines.stream().allMatch(m -> m.applied.size() == 200));
        for (RecordingStateMachine machine : machines) {
            assertThat(machine.applied).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(machine.applyThreads).as("commands applied on the member's event loop")
                    .anyMatch(name -> name.startsWith("consensus-loop-"));
            assertThat(machine.snapshotThreads).as("snapshots taken, and off the event loop").isNotEmpty()
                    .allMatch(name -> name.startsWith("consensus-apply-"));
        }
        assertThat(machines.get(1).applied).as("the same order on every member").isEqualTo(machines.get(0).applied);
        assertThat(machines.get(2).applied).isEqualTo(machines.get(0).applied);
        assertThat(text(groups.get(2).query(bytes("q"), ReadConsistency.LINEARIZABLE)))
                .isEqualTo(String.join(",", machines.get(0).applied));
    }

    @Test
    void resultIsTheLibrarysContiguousApplyIndex() throws Exception {
        startCluster(1, 1000);

        assertThat(text(groups.get(0).submit(bytes("a")))).isEqualTo("1");
        assertThat(text(groups.get(0).submit(bytes("b")))).isEqualTo("2");
    }

    @Test
    void followerForwardsAndCompletesOnceAppliedLocally() throws Exception {
        startCluster(3, 1000);
        ConsensusGroup follower = groups.get(2);

        CompletableFuture<Boolean> appliedHere = follower.submit(bytes("x"))
                .thenApply(r -> machines.get(2).applied.contains("x"));

        assertThat(appliedHere.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(text(follower.query(bytes("q"), ReadConsistency.LINEARIZABLE))).isEqualTo("x");
        assertThat(text(follower.query(bytes("q"), ReadConsistency.STALE))).isEqualTo("x");
    }

    @Test
    void aFollowerServesLinearizableReadsItselfAfterReachingTheLeadersReadIndex() throws Exception {
        startCluster(3, 1000);
        groups.get(0).submit(bytes("w")).get(10, TimeUnit.SECONDS);

        assertThat(text(groups.get(2).query(bytes("q"), ReadConsistency.LINEARIZABLE)))
                .as("a write acknowledged before the read started is visible").isEqualTo("w");
        assertThat(machines.get(2).queries.get()).as("the query ran on the follower").isEqualTo(1);
        assertThat(machines.get(0).queries.get()).as("the leader only confirmed the read index").isZero();
    }

    @Test
    void aFollowersReadIndexRequestThatWasDroppedIsAskedAgain() throws Exception {
        startCluster(3, 1000);
        groups.get(0).submit(bytes("w")).get(10, TimeUnit.SECONDS);
        network.isolate("n3"); // its request to the leader is lost, as on a connection not yet up
        CompletableFuture<byte[]> read = groups.get(2).query(bytes("q"), ReadConsistency.LINEARIZABLE);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !read.isDone());
        network.heal();
        // Well inside the 10 s request timeout: only a second request can have served it.
        assertThat(new String(read.get(3, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("w");
    }

    @Test
    void aReadIssuedTheMomentAGroupIsBuiltWaitsForItToStartInsteadOfFailing() throws Exception {
        startCluster(3, 1000);
        // No wait for a leader: the members may still be recovering their state machines.
        List<CompletableFuture<byte[]>> reads = new ArrayList<>();
        for (ConsensusGroup group : groups) {
            reads.add(group.query(bytes("q"), ReadConsistency.LINEARIZABLE));
        }
        for (CompletableFuture<byte[]> read : reads) {
            assertThat(text(read)).isEmpty();
        }
    }

    @Test
    void retriedRequestIdAppliesOnceAndReturnsTheFirstResult() throws Exception {
        startCluster(3, 1000);

        String first = text(groups.get(1).submit(bytes("once"), SubmitOptions.requestId("r-1")));
        String second = text(groups.get(2).submit(bytes("once"), SubmitOptions.requestId("r-1")));
        groups.get(0).submit(bytes("after")).get(10, TimeUnit.SECONDS);

        assertThat(second).isEqualTo(first);
        assertThat(machines.get(0).applied).containsExactly("once", "after");
    }

    @Test
    void stateMachineExceptionIsTheCommandsResultAndApplyingContinues() throws Exception {
        startCluster(1, 1000);

        CompletableFuture<byte[]> failed = groups.get(0).submit(bytes("fail"));
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(StateMachineException.class, e -> assertThat(e.outcome()).isEqualTo(Outcome.APPLIED))
                .hasMessageContaining("refused fail");
        assertThat(text(groups.get(0).submit(bytes("next")))).isEqualTo("2");
    }

    @Test
    void backpressureFailsFastBeyondTheLimit() throws Exception {
        startCluster(3, 2);
        network.isolate("n3");
        ConsensusGroup cutOff = groups.get(2);

        CompletableFuture<byte[]> first = cutOff.submit(bytes("a"));
        CompletableFuture<byte[]> second = cutOff.submit(bytes("b"));
        CompletableFuture<byte[]> third = cutOff.submit(bytes("c"));

        assertThat(third).isCompletedExceptionally();
        assertThatThrownBy(third::join).cause()
                .isInstanceOfSatisfying(RejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RejectedException.Reason.BACKPRESSURE);
                    assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                });
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
    }

    @Test
    void timedOutForwardedCommandHasUnknownOutcome() {
        startCluster(3, 100);
        network.isolate("n3");

        CompletableFuture<byte[]> future = groups.get(2).submit(bytes("lost"), SubmitOptions.timeout(Duration.ofMillis(300)));

        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(TimeoutException.class, e -> assertThat(e.outcome()).isEqualTo(Outcome.UNKNOWN));
    }

    @Test
    void oversizedCommandIsRejectedWithTheLimitNamed() {
        startCluster(1, 100);

        CompletableFuture<byte[]> future = groups.get(0).submit(new byte[(1 << 20) + 1]);

        assertThatThrownBy(future::join).cause()
                .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectedException.Reason.TOO_LARGE))
                .hasMessageContaining("consensus.max.command.bytes");
    }

    @Test
    void unknownProtocolListsTheAvailableOnes() {
        ConsensusConfig config = ConsensusConfig.builder().protocol("viewstamped").memberId("n1")
                .members(Member.local("n1")).storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE).build();

        assertThatThrownBy(() -> Consensus.group(config).stateMachine(new RecordingStateMachine()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("consensus.protocol")
                .hasMessageContaining("no protocol 'viewstamped'")
                .hasMessageContaining("fixed-leader");
    }

    @Test
    void statusReportsRoleLeaderAndAppliedCount() throws Exception {
        startCluster(3, 100);
        groups.get(1).submit(bytes("one")).get(10, TimeUnit.SECONDS);

        assertThat(groups.get(0).status().isLeader()).isTrue();
        assertThat(groups.get(1).status().leaderId()).isEqualTo("n1");
        assertThat(groups.get(1).status().appliedIndex()).isEqualTo(1);
        assertThat(groups.get(1).status().membership().voters()).hasSize(3);
    }
}
