package io.consensus.api.spi;

import java.util.Set;

/**
 * The storage of one node, shared by every group on it so that one {@link #sync()} (one
 * {@code fsync}) covers every group's writes.
 */
public interface NodeStorage extends AutoCloseable {

    /**
     * Opens (creating if needed) the log of one group. Fails with {@link StorageException} if the
     * stored identity (cluster, group, protocol) differs from {@code identity}. The identity becomes
     * durable with the next {@link #sync()}.
     */
    LogStorage open(GroupIdentity identity);

    /**
     * Makes every write, truncation, compaction and metadata change that any group made before this
     * call durable ({@code FileChannel.force} and a forced directory for file storage). Blocking; may
     * run concurrently with writes.
     *
     * @throws StorageException if the data may not be durable; the node must stop, never retry as
     *                          if the data were safe
     */
    void sync();

    /** Whether this storage forces writes ({@code false} only for explicitly unsafe modes). */
    boolean durable();

    /**
     * The groups whose log entries keep old storage alive: a storage that reclaims space in shared
     * units (segments of one log) can free an old unit only once every group's records in it are
     * compacted, so an idle group would pin it for ever. The runtime asks these groups to snapshot
     * and compact now rather than at their entry threshold. Cheap (no I/O); called on the event loop
     * every few seconds. The default, for storages without shared units, is none.
     */
    default Set<String> groupsPinningSegments() {
        return Set.of();
    }

    /**
     * Whether a write recently failed with {@link StorageFullException} and too little space has been
     * freed since: the runtime then refuses new proposals rather than fail them one by one. Cheap
     * (at most a file-system query while full); callable from any thread. The default is never.
     */
    default boolean full() {
        return false;
    }

    @Override
    void close();
}
