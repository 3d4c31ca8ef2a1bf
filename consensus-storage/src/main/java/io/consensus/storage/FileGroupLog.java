package io.consensus.storage;

import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One group's view of the shared {@link WriteAheadLog}. Reads consult the group's in-memory index and
 * then the file; mutations become records of the shared log, durable at the node's next sync.
 */
final class FileGroupLog implements LogStorage {

    private final WriteAheadLog wal;
    private final GroupState group;
    private final FileSnapshotStore snapshots;

    FileGroupLog(WriteAheadLog wal, GroupState group, FileSnapshotStore snapshots) {
        this.wal = wal;
        this.group = group;
        this.snapshots = snapshots;
    }

    @Override
    public long firstIndex() {
        return group.index.isEmpty() ? lastIndex() + 1 : group.index.first();
    }

    @Override
    public long lastIndex() {
        return group.index.isEmpty() ? snapshots.latest().map(SnapshotMeta::index).orElse(0L) : group.index.last();
    }

    @Override
    public LogEntry entry(long index) {
        if (group.tail.covers(index)) {
            return group.tail.get(index);
        }
        GroupIndex.Location at = group.index.get(index);
        return at == null ? null : wal.read(group, index, at);
    }

    @Override
    public List<LogEntry> entries(long from, long toExclusive, long maxBytes) {
        if (group.tail.covers(from)) {
            return group.tail.range(from, toExclusive, maxBytes);
        }
        long[] indexes = new long[16];
        GroupIndex.Location[] at = new GroupIndex.Location[16];
        int count = 0;
        long bytes = 0;
        for (long i = group.index.ceiling(from); i != 0 && i < toExclusive; i = group.index.ceiling(i + 1)) {
            GroupIndex.Location location = group.index.get(i);
            long size = location.length() - Frame.HEADER_BYTES + 24L; // LogEntry.sizeBytes() of the entry
            if (count > 0 && bytes + size > maxBytes) {
                break;
            }
            if (count == indexes.length) {
                indexes = Arrays.copyOf(indexes, count * 2);
                at = Arrays.copyOf(at, count * 2);
            }
            indexes[count] = i;
            at[count++] = location;
            bytes += size;
        }
        return wal.read(group, indexes, at, count);
    }

    @Override
    public Optional<SnapshotMeta> latestSnapshot() {
        return snapshots.latest();
    }

    @Override
    public byte[] metadata() {
        byte[] metadata = group.metadata;
        return metadata == null ? null : metadata.clone();
    }

    @Override
    public void write(Iterable<LogEntry> entries) {
        List<LogEntry> batch;
        if (entries instanceof List<LogEntry> list) {
            batch = list;
        } else {
            batch = new ArrayList<>();
            entries.forEach(batch::add);
        }
        if (!batch.isEmpty()) {
            wal.append(group, batch);
        }
    }

    @Override
    public void truncateFrom(long index) {
        wal.truncate(group, index);
    }

    @Override
    public void compactUpTo(long index) {
        long covered = snapshots.latest().map(SnapshotMeta::index).orElse(0L);
        if (index > covered) {
            throw new IllegalArgumentException("cannot compact group " + group.identity.groupId() + " up to " + index
                    + ": the latest snapshot covers only up to " + covered);
        }
        wal.compact(group, index);
    }

    @Override
    public void writeMetadata(byte[] metadata) {
        wal.writeMetadata(group, metadata.clone());
    }

    @Override
    public SnapshotStore snapshots() {
        return snapshots;
    }
}
