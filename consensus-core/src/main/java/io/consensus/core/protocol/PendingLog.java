package io.consensus.core.protocol;

import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogReader;
import io.consensus.api.spi.Ready;
import io.consensus.api.spi.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A core's view of its log: the stored log with the writes of the current step laid over it. A core
 * writes here; the writes are handed to the runtime in the next {@link Ready} by {@link #drain}, and
 * the runtime stores them before stepping the core again, so reads are always consistent.
 */
public final class PendingLog implements LogReader {

    private final LogReader stored;
    private final TreeMap<Long, LogEntry> puts = new TreeMap<>();
    private long truncateFrom = Ready.NO_TRUNCATION;
    private byte[] metadata;

    public PendingLog(LogReader stored) {
        this.stored = stored;
    }

    /** Writes one entry, replacing any at its index and leaving others alone. */
    public void put(LogEntry entry) {
        puts.put(entry.index(), entry);
    }

    /** Appends entries after removing everything from the first one's index on (Raft, Zab). */
    public void replaceSuffix(List<LogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        truncateFrom(entries.get(0).index());
        for (LogEntry entry : entries) {
            put(entry);
        }
    }

    /** Removes every entry with index {@code >= index}. */
    public void truncateFrom(long index) {
        puts.tailMap(index, true).clear();
        if (index <= storedLastVisible()) {
            truncateFrom = Math.min(truncateFrom, index);
        }
    }

    /** Replaces the durable metadata. */
    public void writeMetadata(byte[] bytes) {
        metadata = bytes.clone();
    }

    /** Whether there are writes not yet drained. */
    public boolean hasPending() {
        return !puts.isEmpty() || truncateFrom != Ready.NO_TRUNCATION || metadata != null;
    }

    /** The pending writes, handed over and forgotten. */
    public Drained drain() {
        Drained drained = new Drained(truncateFrom, List.copyOf(puts.values()), metadata);
        puts.clear();
        truncateFrom = Ready.NO_TRUNCATION;
        metadata = null;
        return drained;
    }

    /**
     * Writes taken out of the log for a {@link Ready}.
     *
     * @param truncateFrom index to truncate from first, or {@link Ready#NO_TRUNCATION}
     * @param entries      entries to write, in index order
     * @param metadata     new metadata or null
     */
    public record Drained(long truncateFrom, List<LogEntry> entries, byte[] metadata) {}

    private long storedLastVisible() {
        return Math.min(stored.lastIndex(), truncateFrom == Ready.NO_TRUNCATION ? Long.MAX_VALUE : truncateFrom - 1);
    }

    @Override
    public long firstIndex() {
        long first = stored.firstIndex();
        if (!puts.isEmpty() && storedLastVisible() < first) {
            return Math.min(first, puts.firstKey());
        }
        return first;
    }

    @Override
    public long lastIndex() {
        long visible = storedLastVisible();
        if (visible < stored.firstIndex() - 1) {
            visible = stored.firstIndex() - 1;
        }
        return puts.isEmpty() ? visible : Math.max(visible, puts.lastKey());
    }

    @Override
    public LogEntry entry(long index) {
        LogEntry put = puts.get(index);
        if (put != null) {
            return put;
        }
        if (index >= truncateFrom) {
            return null;
        }
        return stored.entry(index);
    }

    /** The era of the entry at {@code index}, the snapshot's era at its index, or -1 if unknown. */
    public long eraAt(long index) {
        LogEntry entry = entry(index);
        if (entry != null) {
            return entry.era();
        }
        if (index == 0) {
            return 0;
        }
        Optional<SnapshotMeta> snapshot = stored.latestSnapshot();
        if (snapshot.isPresent() && snapshot.get().index() == index) {
            return snapshot.get().era();
        }
        return -1;
    }

    @Override
    public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
        List<LogEntry> result = new ArrayList<>();
        long bytes = 0;
        long end = Math.min(toExclusive, lastIndex() + 1);
        for (long index = Math.max(from, 1); index < end; index++) {
            LogEntry entry = entry(index);
            if (entry == null) {
                continue;
            }
            bytes += entry.sizeBytes();
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(entry);
        }
        return result;
    }

    @Override
    public Optional<SnapshotMeta> latestSnapshot() {
        return stored.latestSnapshot();
    }

    @Override
    public byte[] metadata() {
        return metadata != null ? metadata.clone() : stored.metadata();
    }
}
