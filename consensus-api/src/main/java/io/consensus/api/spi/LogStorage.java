package io.consensus.api.spi;

/**
 * One group's durable log, metadata and snapshots. Obtained from {@link NodeStorage#open}.
 *
 * <p><b>Durability.</b> Mutations are buffered: they are visible to reads at once but durable only
 * after a later {@link NodeStorage#sync()} returns. Truncations and compactions are made durable by
 * that sync too.
 *
 * <p><b>Threading.</b> Mutations and reads of one group come from one thread at a time;
 * {@link NodeStorage#sync()} may run concurrently on another thread.
 *
 * <p><b>Failures.</b> Methods throw {@link StorageException} for I/O errors and corruption. After a
 * failed write or sync the storage must be treated as broken: nothing written since the last
 * successful sync may be assumed durable. The one exception is a write that fails with
 * {@link StorageFullException}: it had no effect, and the storage stays usable.
 */
public interface LogStorage extends LogReader {

    /**
     * Writes entries. Each replaces any record at its index and leaves every other index untouched,
     * so a Paxos acceptor can re-accept slot i while keeping slots above it; a Raft follower
     * truncates first.
     *
     * @throws IllegalArgumentException if an index is at or below the compaction point
     */
    void write(Iterable<LogEntry> entries);

    /** Removes every entry with index {@code >= index} (a Raft conflict, a Zab TRUNC). */
    void truncateFrom(long index);

    /**
     * Discards entries with index {@code <= index}; compacting at or below the current point has no
     * effect.
     *
     * @throws IllegalArgumentException if the latest snapshot's index is below {@code index}
     */
    void compactUpTo(long index);

    /** Replaces the metadata; atomic: after a crash either the old or the new bytes are read back. */
    void writeMetadata(byte[] metadata);

    /** This group's snapshots. */
    SnapshotStore snapshots();
}
