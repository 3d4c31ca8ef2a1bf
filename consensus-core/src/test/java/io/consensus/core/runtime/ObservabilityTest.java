package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Member;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import io.consensus.core.Consensus;
import io.consensus.storage.memory.MemoryNodeStorage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Metrics, MDC keys and slow-path warnings of the runtime, over real threads with {@link FixedLeaderProtocol}. */
class ObservabilityTest {

    private static final Map<String, String> GROUP = Map.of("group", "default");
    /** Loggers of node-wide work, whose lines carry the member but no group. */
    private static final Set<String> NODE_LOGGERS = Set.of(GroupCommitter.class.getName(), LoopWatchdog.class.getName(),
            NodeRuntime.class.getName());

    private final LocalNetwork network = new LocalNetwork();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final List<ConsensusGroup> groups = new ArrayList<>();

    @AfterEach
    void close() {
        groups.forEach(ConsensusGroup::close);
    }

    private static ConsensusConfig.Builder config(String memberId, List<Member> members) {
        return ConsensusConfig.builder()
                .protocol("fixed-leader")
                .memberId(memberId)
                .members(members)
                .storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE)
                .bootstrap(true);
    }

    private void startCluster(int size, int maxPending, long snapshotThreshold) {
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            members.add(Member.local("n" + i));
        }
        for (Member member : members) {
            groups.add(Consensus.group(config(member.id(), members).maxPendingProposals(maxPending)
                            .snapshotThresholdEntries(snapshotThreshold).build())
                    .stateMachine(new RuntimeTest.RecordingStateMachine())
                    .storage(new MemoryNodeStorage())
                    .transport(network.transport(member.id()))
                    .metrics(metrics)
                    .build());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> member(String id) {
        return Map.of("group", "default", "member", id);
    }

    @Test
    void indexesProposalsLatencyAndFsyncsAreMeteredPerMemberAndLeaveWithTheGroup() throws Exception {
        startCluster(3, 1000, 100_000);
        List<CompletableFuture<byte[]>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            writes.add(groups.get(0).submit(bytes("c" + i)));
        }
        for (CompletableFuture<byte[]> write : writes) {
            write.get(10, TimeUnit.SECONDS);
        }

        // Commands submitted together share a log entry, so the index grows by the number of batches.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            double commitIndex = metrics.gauge("consensus.commit.index", member("n1"));
            assertThat(commitIndex).isPositive().isEqualTo(groups.get(0).status().commitIndex());
            for (String id : List.of("n1", "n2", "n3")) {
                assertThat(metrics.gauge("consensus.applied.index", member(id))).isEqualTo(commitIndex);
            }
        });
        assertThat(metrics.recorded("consensus.proposals", member("n1")).count()).isEqualTo(50);
        assertThat(metrics.recorded("consensus.proposals", member("n2")).count()).isZero();
        RecordingMetrics.Recorded latency = metrics.recorded("consensus.commit.latency", member("n1"));
        assertThat(latency.count()).isEqualTo(50);
        assertThat(latency.total()).isPositive();
        assertThat(metrics.gauge("consensus.proposals.in.flight", member("n1"))).isZero();
        assertThat(metrics.gauge("consensus.role", Map.of("member", "n1", "role", "leader"))).isEqualTo(1);
        assertThat(metrics.gauge("consensus.role", Map.of("member", "n2", "role", "leader"))).isZero();
        assertThat(metrics.gauge("consensus.role", Map.of("member", "n2", "role", "follower"))).isEqualTo(1);
        assertThat(metrics.recorded("consensus.fsync.latency", Map.of("member", "n2")).count()).isPositive();
        RecordingMetrics.Recorded batches = metrics.recorded("consensus.fsync.batch.writes", member("n1"));
        assertThat(batches.count()).isPositive();
        assertThat(batches.total()).as("every write of n1 is covered by some fsync").isGreaterThanOrEqualTo(batches.count());

        groups.forEach(ConsensusGroup::close);

        assertThat(metrics.ids()).isEmpty();
    }

    @Test
    void rejectionsAreCountedByReason() {
        startCluster(3, 2, 100_000);
        network.isolate("n3");
        ConsensusGroup cutOff = groups.get(2);

        List<CompletableFuture<byte[]>> submits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submits.add(cutOff.submit(bytes("x" + i)));
        }

        long rejected = submits.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        assertThat(rejected).isEqualTo(3);
        assertThat(metrics.recorded("consensus.proposals.rejected", Map.of("member", "n3", "reason", "backpressure")).count())
                .isEqualTo(rejected);
        assertThat(metrics.recorded("consensus.proposals.rejected", Map.of("member", "n3", "reason", "too_large")).count())
                .isZero();
        assertThat(metrics.gauge("consensus.proposals.in.flight", member("n3"))).isEqualTo(2);
    }

    @Test
    void everyLineTheRuntimeLogsOnItsThreadsCarriesTheMemberAndGroup() throws Exception {
        try (LogEvents log = new LogEvents()) {
            startCluster(3, 1000, 10); // a snapshot every 10 entries: INFO lines on the apply threads
            for (int i = 0; i < 30; i++) {
                groups.get(i % 3).submit(bytes("c" + i)).get(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> log.from(Applier.class).stream()
                    .filter(e -> e.getFormattedMessage().startsWith("took snapshot")).count() >= 3);
            groups.forEach(ConsensusGroup::close);

            List<ILoggingEvent> runtimeLines = log.all().stream()
                    .filter(e -> e.getLoggerName().startsWith("io.consensus.core.runtime."))
                    .filter(e -> e.getThreadName().startsWith("consensus-"))
                    .toList();
            assertThat(runtimeLines).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.startsWith("bootstrapped a new group"))
                    .anyMatch(m -> m.startsWith("took snapshot"));
            for (ILoggingEvent line : runtimeLines) {
                // consensus-apply-n2-1, consensus-loop-n1, ...: the member whose thread logged it.
                String threadMember = line.getThreadName().split("-")[2];
                assertThat(line.getMDCPropertyMap()).as(line.getFormattedMessage())
                        .containsEntry(LogContext.MEMBER, threadMember);
                if (!NODE_LOGGERS.contains(line.getLoggerName())) {
                    assertThat(line.getMDCPropertyMap()).as(line.getFormattedMessage())
                            .containsEntry(LogContext.GROUP, "default");
                }
            }
        }
    }

    @Test
    void aSlowFsyncIsTimedAndWarnedAboutWithItsDuration() throws Exception {
        NodeEnvironment threads = ThreadedEnvironment.create("n1", Duration.ZERO);
        ShiftedClockLoop loop = new ShiftedClockLoop(threads.loop());
        NodeEnvironment environment = new NodeEnvironment(loop, threads.syncExecutor(), threads.applyExecutor(),
                threads.random(), threads.shutdown());
        MemoryNodeStorage disk = new MemoryNodeStorage();
        // Each fsync "takes" 600 ms on the loop's clock: nothing has to block for real.
        NodeStorage slowDisk = new NodeStorage() {
            @Override public LogStorage open(GroupIdentity identity) { return disk.open(identity); }
            @Override public void sync() { disk.sync(); loop.shiftNanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(600)); }
            @Override public boolean durable() { return disk.durable(); }
            @Override public void close() { disk.close(); }
        };
        List<Member> members = List.of(Member.local("n1"));
        try (LogEvents log = new LogEvents()) {
            groups.add(Consensus.group(config("n1", members).slowFsync(Duration.ofMillis(500)).build())
                    .stateMachine(new RuntimeTest.RecordingStateMachine())
                    .storage(slowDisk)
                    .transport(network.transport("n1"))
                    .environment(environment)
                    .metrics(metrics)
                    .build());
            groups.get(0).submit(bytes("one")).get(10, TimeUnit.SECONDS);

            ILoggingEvent warning = log.from(GroupCommitter.class).get(0);
            assertThat(warning.getLevel()).isEqualTo(Level.WARN);
            assertThat(warning.getFormattedMessage()).matches("slow fsync: 6\\d\\d ms for 1 group\\(s\\) \\(threshold 500 ms.*");
            assertThat(warning.getMDCPropertyMap()).containsEntry(LogContext.MEMBER, "n1").doesNotContainKey(LogContext.GROUP);
        }
        RecordingMetrics.Recorded fsyncs = metrics.recorded("consensus.fsync.latency", Map.of("member", "n1"));
        assertThat(fsyncs.total()).isGreaterThanOrEqualTo(fsyncs.count() * TimeUnit.MILLISECONDS.toNanos(600));
        assertThat(metrics.recorded("consensus.fsync.batch.groups", Map.of("member", "n1")).total()).isEqualTo(fsyncs.count());
    }

    /** A real loop whose nanosecond clock the test can move forward. */
    private static final class ShiftedClockLoop implements EventLoop {
        final AtomicLong shiftNanos = new AtomicLong();
        private final EventLoop loop;

        ShiftedClockLoop(EventLoop loop) {
            this.loop = loop;
        }

        @Override public long nowMillis() { return loop.nowMillis(); }
        @Override public long nowNanos() { return loop.nowNanos() + shiftNanos.get(); }
        @Override public void execute(Runnable task) { loop.execute(task); }
        @Override public Cancellable schedule(long delayMillis, Runnable task) { return loop.schedule(delayMillis, task); }
        @Override public boolean inLoop() { return loop.inLoop(); }
    }
}
