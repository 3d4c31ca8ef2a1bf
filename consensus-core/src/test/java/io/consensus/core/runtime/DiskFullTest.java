package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Member;
import io.consensus.api.RejectedException;
import io.consensus.api.Role;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import io.consensus.api.spi.StorageFullException;
import io.consensus.core.Consensus;
import io.consensus.storage.memory.MemoryNodeStorage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A full disk stops a member's writes without stopping the member: the write that found no space is
 * undone by the storage, the runtime rebuilds its core from the log, proposals are refused while the
 * disk stays full, and once space is freed the command in flight applies, once, and new ones follow.
 */
class DiskFullTest {

    private final FillableStorage storage = new FillableStorage();
    private final RuntimeTest.RecordingStateMachine machine = new RuntimeTest.RecordingStateMachine();
    private ConsensusGroup group;

    @AfterEach
    void close() {
        if (group != null) {
            group.close();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void proposalsAreRefusedWhileTheDiskIsFullAndResumeOnceSpaceIsFreed() throws Exception {
        group = Consensus.group(ConsensusConfig.builder()
                        .protocol("fixed-leader")
                        .memberId("n1")
                        .members(List.of(Member.local("n1")))
                        .storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE)
                        .bootstrap(true)
                        .build())
                .stateMachine(machine)
                .storage(storage)
                .transport(new LocalNetwork().transport("n1"))
                .build();
        group.submit(bytes("a")).get(10, TimeUnit.SECONDS);

        storage.fill();
        // Accepted (the disk is not known to be full yet), proposed, and its write fails.
        CompletableFuture<byte[]> inFlight = group.submit(bytes("b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> storage.failedWrites > 0);
        assertThatThrownBy(() -> group.submit(bytes("refused")).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RejectedException.class)
                .hasMessageContaining("disk of member n1 is full")
                .extracting(e -> ((RejectedException) e).reason()).isEqualTo(RejectedException.Reason.BACKPRESSURE);
        assertThat(inFlight).isNotDone();
        assertThat(group.status().role()).as("the group did not halt").isEqualTo(Role.LEADER);

        storage.free();
        assertThat(new String(inFlight.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("2");
        group.submit(bytes("c")).get(10, TimeUnit.SECONDS);
        assertThat(machine.applied).containsExactly("a", "b", "c");
    }

    /**
     * Memory storage whose writes can be made to fail as a full disk does: with
     * {@link StorageFullException}, having no effect, and with {@link #full()} reporting it from then on.
     */
    private static final class FillableStorage implements NodeStorage {
        private final MemoryNodeStorage delegate = new MemoryNodeStorage();
        private volatile boolean noSpace;
        private volatile boolean reportedFull;
        volatile int failedWrites;

        void fill() {
            noSpace = true;
        }

        void free() {
            noSpace = false;
            reportedFull = false;
        }

        private void check() {
            if (noSpace) {
                reportedFull = true;
                failedWrites++;
                throw new StorageFullException("no space left on device (injected)", null);
            }
        }

        @Override
        public LogStorage open(GroupIdentity identity) {
            LogStorage log = delegate.open(identity);
            return new LogStorage() {
                @Override public long firstIndex() { return log.firstIndex(); }
                @Override public long lastIndex() { return log.lastIndex(); }
                @Override public LogEntry entry(long index) { return log.entry(index); }
                @Override public List<LogEntry> entries(long from, long to, long maxBytes) { return log.entries(from, to, maxBytes); }
                @Override public Optional<SnapshotMeta> latestSnapshot() { return log.latestSnapshot(); }
                @Override public byte[] metadata() { return log.metadata(); }
                @Override public SnapshotStore snapshots() { return log.snapshots(); }

                @Override
                public void write(Iterable<LogEntry> entries) {
                    check();
                    log.write(entries);
                }

                @Override
                public void truncateFrom(long index) {
                    check();
                    log.truncateFrom(index);
                }

                @Override
                public void compactUpTo(long index) {
                    check();
                    log.compactUpTo(index);
                }

                @Override
                public void writeMetadata(byte[] metadata) {
                    check();
                    log.writeMetadata(metadata);
                }
            };
        }

        @Override
        public void sync() {
            delegate.sync();
        }

        @Override
        public boolean durable() {
            return delegate.durable();
        }

        @Override
        public boolean full() {
            return reportedFull;
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
