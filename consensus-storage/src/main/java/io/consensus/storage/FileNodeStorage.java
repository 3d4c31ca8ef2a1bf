package io.consensus.storage;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The durable storage of one node: one segmented, checksummed write-ahead log in
 * {@code <dataDir>/log/} shared by every group on the node, so one {@link #sync()} (one
 * {@code fsync}) makes every group's writes durable; and each group's snapshots in
 * {@code <dataDir>/snapshots/<group>/}.
 *
 * <p>On open the log is recovered: a torn write at the tail of the newest segment is truncated (with a
 * WARN naming file and offset); a damaged record anywhere else, a missing segment, or a file of another
 * cluster or format version fails with a {@link StorageException} naming the file. See
 * {@link WriteAheadLog} for the record format, group commit and segment reclamation.
 *
 * <p><b>Reclaiming space.</b> A segment is deleted once every group's records in it are compacted, so a
 * group that stopped writing would keep the oldest segment, and every later one, on disk for ever;
 * {@link #groupsPinningSegments()} names the groups with live entries behind the newest
 * {@value #KEPT_SEGMENTS} segments, which the runtime asks to snapshot and compact.
 *
 * <p><b>A full disk.</b> A write that finds no space is undone and fails with a
 * {@link io.consensus.api.spi.StorageFullException}; the storage stays usable, and {@link #full()}
 * reports it until a segment's worth of space is free again. Any other I/O error, and every failed
 * force, makes the storage refuse all further writes and syncs.
 *
 * <p>Thread-safe: groups may write from different threads while another thread syncs.
 */
public final class FileNodeStorage implements NodeStorage {

    private static final long MIN_SEGMENT_BYTES = 4096;
    /**
     * The newest segments a group may keep entries in without being asked to compact: enough that a
     * group snapshotting at its entry threshold is rarely asked, few enough to bound the log on disk.
     */
    public static final int KEPT_SEGMENTS = 4;

    private final WriteAheadLog wal;
    private final Path snapshotsDir;
    private final FileIo io;
    private final Map<String, FileGroupLog> open = new TreeMap<>();

    private FileNodeStorage(WriteAheadLog wal, Path snapshotsDir, FileIo io) {
        this.wal = wal;
        this.snapshotsDir = snapshotsDir;
        this.io = io;
    }

    /**
     * Opens (creating if needed) the storage in {@code dataDir}.
     *
     * @param clusterId    the cluster; a directory written for another cluster is refused
     * @param syncMode     {@link SyncMode#NONE_UNSAFE} never forces anything (tests and benchmarks only)
     * @param segmentBytes the size at which the log starts a new segment
     * @throws StorageException if the directory is in use, damaged, or of another cluster or version
     */
    public static FileNodeStorage open(Path dataDir, String clusterId, SyncMode syncMode, long segmentBytes) {
        return open(dataDir, clusterId, syncMode, segmentBytes, FileIo.DEFAULT, WriteAheadLog.PREALLOCATE_AHEAD_BYTES);
    }

    /** For tests: no preallocation, so a test's I/O sees only the log's own writes. */
    static FileNodeStorage open(Path dataDir, String clusterId, SyncMode syncMode, long segmentBytes, FileIo io) {
        return open(dataDir, clusterId, syncMode, segmentBytes, io, 0);
    }

    /** @param preallocateBytes how far ahead of the log's end the active segment is kept zero-filled; 0 never */
    static FileNodeStorage open(Path dataDir, String clusterId, SyncMode syncMode, long segmentBytes, FileIo io,
                                long preallocateBytes) {
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("segment size must be in [" + MIN_SEGMENT_BYTES + ", "
                    + Integer.MAX_VALUE + "], was " + segmentBytes);
        }
        boolean forces = syncMode == SyncMode.FSYNC;
        WriteAheadLog wal = WriteAheadLog.open(dataDir.resolve("log"), clusterId, segmentBytes, forces, io,
                forces ? preallocateBytes : 0);
        return new FileNodeStorage(wal, dataDir.resolve("snapshots"), io);
    }

    /**
     * Opens a group's log; opening the same group again returns the same log.
     *
     * @throws StorageException if the group is stored with another identity, or its snapshots are damaged
     */
    @Override
    public synchronized LogStorage open(GroupIdentity identity) {
        FileGroupLog log = open.get(identity.groupId());
        if (log == null) {
            GroupState group = wal.register(identity);
            try {
                FileSnapshotStore snapshots =
                        FileSnapshotStore.open(snapshotsDir, io, identity.groupId(), wal.forces());
                log = new FileGroupLog(wal, group, snapshots);
            } catch (IOException e) {
                throw new StorageException("cannot open the snapshots of group '" + identity.groupId() + "' in "
                        + snapshotsDir + ": " + e, e);
            }
            open.put(identity.groupId(), log);
        } else {
            wal.register(identity); // fails if the identity differs from the stored one
        }
        return log;
    }

    /** Forces the shared log once for every group's writes; see {@link WriteAheadLog#sync()}. */
    @Override
    public void sync() {
        wal.sync();
    }

    @Override
    public boolean durable() {
        return wal.forces();
    }

    /** The groups with a live entry in a segment older than the newest {@value #KEPT_SEGMENTS}. */
    @Override
    public Set<String> groupsPinningSegments() {
        return wal.groupsPinning(KEPT_SEGMENTS);
    }

    /** Whether a write found no space and less than one segment's worth has been freed since. */
    @Override
    public boolean full() {
        return wal.full();
    }

    @Override
    public void close() {
        wal.close();
    }

    /** What recovery repaired when this storage was opened (torn tails truncated), as logged at WARN. */
    List<String> repairs() {
        return wal.repairs();
    }
}
