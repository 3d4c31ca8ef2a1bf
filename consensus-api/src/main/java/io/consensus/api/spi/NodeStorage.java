package io.consensus.api.spi;

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

    @Override
    void close();
}
