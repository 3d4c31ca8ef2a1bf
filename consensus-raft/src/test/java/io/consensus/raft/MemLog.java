package io.consensus.raft;

import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogReader;
import io.consensus.api.spi.Ready;
import io.consensus.api.spi.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A test log with a durable and a volatile state: writes are visible at once and become durable at
 * {@link #sync()}; {@link #crash()} forgets every write since the last sync.
 */
final class MemLog implements LogReader {

    private TreeMap<Long, LogEntry> entries = new TreeMap<>();
    private byte[] metadata;
    private SnapshotMeta snapshot;

    private TreeMap<Long, LogEntry> durableEntries = new TreeMap<>();
    private byte[] durableMetadata;
    /** Writes since the last sync, replayed onto the durable copy by sync. */
    private final List<Runnable> journal = new ArrayList<>();

    /** Carries out the write part of a Ready (step 1 of its contract). */
    void write(Ready ready) {
        if (ready.truncateFrom() != Ready.NO_TRUNCATION) {
            long from = ready.truncateFrom();
            entries.tailMap(from, true).clear();
            journal.add(() -> durableEntries.tailMap(from, true).clear());
        }
        for (LogEntry entry : ready.entries()) {
            entries.put(entry.index(), entry);
            journal.add(() -> durableEntries.put(entry.index(), entry));
        }
        if (ready.metadata() != null) {
            byte[] bytes = ready.metadata().clone();
            metadata = bytes;
            journal.add(() -> durableMetadata = bytes);
        }
    }

    /** Writes entries and metadata as if they had been written and synced long ago. */
    void preset(List<LogEntry> initial, byte[] meta) {
        for (LogEntry entry : initial) {
            entries.put(entry.index(), entry);
        }
        metadata = meta;
        sync();
        durableEntries = new TreeMap<>(entries);
        durableMetadata = meta;
    }

    void setDurableMetadata(byte[] meta) {
        sync();
        metadata = meta;
        durableMetadata = meta;
    }

    boolean hasUnsynced() {
        return !journal.isEmpty();
    }

    void sync() {
        journal.forEach(Runnable::run);
        journal.clear();
    }

    /** Loses everything not synced. */
    void crash() {
        journal.clear();
        entries = new TreeMap<>(durableEntries);
        metadata = durableMetadata;
    }

    /** Paper §7: keep the suffix after the snapshot if it matches, else drop the whole log. Durable. */
    void installSnapshot(SnapshotMeta meta) {
        sync();
        LogEntry at = entries.get(meta.index());
        if (at != null && at.era() == meta.era()) {
            entries.headMap(meta.index(), true).clear();
        } else {
            entries.clear();
        }
        durableEntries = new TreeMap<>(entries);
        snapshot = meta;
    }

    /** Takes a snapshot at {@code index} (durably) and compacts up to {@code compactTo}. */
    void snapshotAndCompact(SnapshotMeta meta, long compactTo) {
        sync();
        snapshot = meta;
        entries.headMap(compactTo, true).clear();
        durableEntries.headMap(compactTo, true).clear();
    }

    @Override
    public long firstIndex() {
        return entries.isEmpty() ? lastIndex() + 1 : entries.firstKey();
    }

    @Override
    public long lastIndex() {
        if (!entries.isEmpty()) {
            return entries.lastKey();
        }
        return snapshot == null ? 0 : snapshot.index();
    }

    @Override
    public LogEntry entry(long index) {
        return entries.get(index);
    }

    @Override
    public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
        List<LogEntry> result = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<Long, LogEntry> e : entries.subMap(from, true, toExclusive, false).entrySet()) {
            bytes += e.getValue().sizeBytes();
            if (!result.isEmpty() && bytes > maxBytes) {
                break;
            }
            result.add(e.getValue());
        }
        return result;
    }

    @Override
    public Optional<SnapshotMeta> latestSnapshot() {
        return Optional.ofNullable(snapshot);
    }

    @Override
    public byte[] metadata() {
        return metadata == null ? null : metadata.clone();
    }

    /** The era of each entry, from the first index (tests). */
    List<Long> eras() {
        List<Long> eras = new ArrayList<>();
        entries.values().forEach(e -> eras.add(e.era()));
        return eras;
    }
}
