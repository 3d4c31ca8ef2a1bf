package io.consensus.storage.memory;

import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One group's log in a {@link MemoryNodeStorage}: applies each mutation to what reads see and reports
 * it to the storage, which replays it onto the durable state at the next sync. Every method holds the
 * storage's monitor.
 */
final class MemoryLog implements LogStorage, SnapshotStore {

    private final MemoryNodeStorage node;
    private final LogState state;

    MemoryLog(MemoryNodeStorage node, LogState state) {
        this.node = node;
        this.state = state;
    }

    @Override
    public long firstIndex() {
        synchronized (node) {
            node.check();
            return state.entries.isEmpty() ? lastIndex() + 1 : state.entries.firstKey();
        }
    }

    @Override
    public long lastIndex() {
        synchronized (node) {
            node.check();
            return state.entries.isEmpty() ? snapshotIndex() : state.entries.lastKey();
        }
    }

    @Override
    public LogEntry entry(long index) {
        synchronized (node) {
            node.check();
            return state.entries.get(index);
        }
    }

    @Override
    public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
        synchronized (node) {
            node.check();
            List<LogEntry> out = new ArrayList<>();
            if (from >= toExclusive) {
                return out;
            }
            long bytes = 0;
            for (LogEntry e : state.entries.subMap(from, toExclusive).values()) {
                if (!out.isEmpty() && bytes + e.sizeBytes() > maxBytes) {
                    break;
                }
                bytes += e.sizeBytes();
                out.add(e);
            }
            return out;
        }
    }

    @Override
    public Optional<SnapshotMeta> latestSnapshot() {
        return latest();
    }

    @Override
    public byte[] metadata() {
        synchronized (node) {
            node.check();
            return state.metadata == null ? null : state.metadata.clone();
        }
    }

    @Override
    public void write(Iterable<LogEntry> entries) {
        synchronized (node) {
            node.check();
            List<LogEntry> batch = new ArrayList<>();
            for (LogEntry e : entries) {
                if (e.index() <= state.compactedTo) {
                    throw new IllegalArgumentException("entry " + e.index() + " of group " + state.identity.groupId()
                            + " is at or below the compaction point " + state.compactedTo);
                }
                batch.add(e);
            }
            batch.forEach(e -> apply(new LogState.Put(e)));
        }
    }

    @Override
    public void truncateFrom(long index) {
        synchronized (node) {
            node.check();
            if (!state.entries.isEmpty() && state.entries.lastKey() >= index) {
                apply(new LogState.TruncateFrom(index));
            }
        }
    }

    @Override
    public void compactUpTo(long index) {
        synchronized (node) {
            node.check();
            if (index > snapshotIndex()) {
                throw new IllegalArgumentException("cannot compact group " + state.identity.groupId() + " up to "
                        + index + ": the latest snapshot covers only up to " + snapshotIndex());
            }
            if (index > state.compactedTo) {
                apply(new LogState.CompactUpTo(index));
            }
        }
    }

    @Override
    public void writeMetadata(byte[] metadata) {
        synchronized (node) {
            node.check();
            apply(new LogState.Metadata(metadata.clone()));
        }
    }

    @Override
    public SnapshotStore snapshots() {
        return this;
    }

    @Override
    public Optional<SnapshotMeta> latest() {
        synchronized (node) {
            node.check();
            return Optional.ofNullable(state.snapshot).map(LogState.Snapshot::meta);
        }
    }

    @Override
    public InputStream open(SnapshotMeta meta) throws NoSuchFileException {
        synchronized (node) {
            node.check();
            if (state.snapshot == null || !state.snapshot.meta().equals(meta)) {
                throw new NoSuchFileException("no installed snapshot " + meta + " of group "
                        + state.identity.groupId());
            }
            return new ByteArrayInputStream(state.snapshot.data());
        }
    }

    @Override
    public Writer begin(SnapshotMeta meta) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        return new Writer() {
            private boolean finished;

            @Override
            public OutputStream output() {
                return bytes;
            }

            @Override
            public void install() {
                synchronized (node) {
                    if (finished) {
                        throw new IllegalStateException("snapshot " + meta + " was already installed or discarded");
                    }
                    finished = true;
                    if (state.snapshot != null && state.snapshot.meta().index() > meta.index()) {
                        return; // a newer snapshot (received while this one was written) covers it
                    }
                    LogState.Snapshot snapshot = new LogState.Snapshot(meta, bytes.toByteArray());
                    node.installed(state.identity.groupId(), snapshot);
                    state.snapshot = snapshot;
                }
            }

            @Override
            public void close() {
                finished = true;
            }
        };
    }

    private long snapshotIndex() {
        return state.snapshot == null ? 0 : state.snapshot.meta().index();
    }

    private void apply(LogState.Op op) {
        node.mutated(state.identity.groupId(), op);
        op.applyTo(state);
    }
}
