package io.consensus.testkit.sim;

import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Wraps a member's storage to count what the coverage report needs: truncations that removed
 * entries, and snapshots received from another member (installed from the event loop, where the
 * runtime's snapshot transfer runs, rather than from the apply thread, where local snapshots are
 * taken). Everything else passes straight through.
 */
final class ObservedStorage implements NodeStorage {

    private final NodeStorage delegate;
    private final Coverage coverage;
    private final BooleanSupplier onLoop;
    private final LongSupplier appliedCount;
    private long mutations;
    private long durableMutations;
    private java.util.function.Consumer<String> note = text -> { };

    /**
     * @param appliedCount the member's applied command count, for the trace
     */
    ObservedStorage(NodeStorage delegate, Coverage coverage, BooleanSupplier onLoop, LongSupplier appliedCount) {
        this.delegate = delegate;
        this.coverage = coverage;
        this.onLoop = onLoop;
        this.appliedCount = appliedCount;
    }

    /** Where to note received snapshots in the trace. */
    void onNote(java.util.function.Consumer<String> value) {
        note = value;
    }

    @Override
    public LogStorage open(GroupIdentity identity) {
        return new Log(delegate.open(identity));
    }

    @Override
    public void sync() {
        long covered = mutations;
        delegate.sync();
        durableMutations = Math.max(durableMutations, covered);
    }

    /** Whether some write, truncation, compaction or metadata change is not yet synced. */
    boolean hasUnsynced() {
        return mutations > durableMutations;
    }

    @Override
    public boolean durable() {
        return delegate.durable();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private final class Log implements LogStorage, SnapshotStore {
        private final LogStorage log;
        private boolean installPending;

        Log(LogStorage log) {
            this.log = log;
        }

        @Override public long firstIndex() { return log.firstIndex(); }
        @Override public long lastIndex() { return log.lastIndex(); }
        @Override public LogEntry entry(long index) { return log.entry(index); }
        @Override public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
            return log.entries(from, toExclusive, maxBytes);
        }
        @Override public Optional<SnapshotMeta> latestSnapshot() { return log.latestSnapshot(); }
        @Override public byte[] metadata() { return log.metadata(); }
        @Override public void write(Iterable<LogEntry> entries) { mutations++; log.write(entries); }
        @Override public void compactUpTo(long index) { mutations++; log.compactUpTo(index); }
        @Override public void writeMetadata(byte[] metadata) { mutations++; log.writeMetadata(metadata); }
        @Override public SnapshotStore snapshots() { return this; }
        @Override public Optional<SnapshotMeta> latest() { return log.snapshots().latest(); }
        @Override public InputStream open(SnapshotMeta meta) throws IOException { return log.snapshots().open(meta); }

        @Override
        public void truncateFrom(long index) {
            boolean removes = index <= log.lastIndex() && log.entry(log.lastIndex()) != null;
            if (installPending) {
                installPending = false; // the runtime clearing the log for a received snapshot
            } else if (removes) {
                coverage.logTruncations++;
            }
            mutations++;
            log.truncateFrom(index);
        }

        @Override
        public Writer begin(SnapshotMeta meta) throws IOException {
            Writer writer = log.snapshots().begin(meta);
            return new Writer() {
                @Override
                public java.io.OutputStream output() {
                    return writer.output();
                }

                @Override
                public void install() throws IOException {
                    writer.install();
                    if (onLoop.getAsBoolean()) {
                        note.accept("installs a received snapshot at index " + meta.index() + " (" + meta.appliedCount()
                                + " commands); it had applied " + appliedCount.getAsLong());
                        coverage.snapshotInstalls++;
                        installPending = true;
                    }
                }

                @Override
                public void close() {
                    writer.close();
                }
            };
        }
    }
}
