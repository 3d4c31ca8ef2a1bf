package io.consensus.api.spi;

import java.util.List;
import java.util.Optional;

/**
 * A read-only view of one group's log, which is how a protocol core sees its storage.
 *
 * <p>Reads see every write made so far, whether or not it is durable yet. Called only from the
 * group's event thread. Reads never return bytes whose checksum failed: they throw
 * {@link StorageException} instead.
 */
public interface LogReader {

    /** The lowest index holding an entry (holes below it do not count); {@code lastIndex() + 1} when there is none. */
    long firstIndex();

    /**
     * The highest index holding an entry, even if a newer snapshot covers more; when there is no
     * entry, the latest snapshot's index (0 if none).
     */
    long lastIndex();

    /** The entry at {@code index}, or null if it was compacted, never written (a hole) or truncated. */
    LogEntry entry(long index);

    /**
     * Entries in {@code [from, toExclusive)} in index order, skipping holes, stopping early once
     * {@code maxBytes} would be exceeded (at least one entry is returned when any is present).
     */
    List<LogEntry> entries(long from, long toExclusive, long maxBytes);

    /** The newest installed snapshot, if any. */
    Optional<SnapshotMeta> latestSnapshot();

    /** The durable metadata (term and vote, promised ballot, epochs), or null if never written. */
    byte[] metadata();
}
