package io.consensus.storage.memory;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Storage in memory for tests and the deterministic simulator. It models durability: writes,
 * truncations, compactions and metadata are visible at once but survive {@link #crash()} only once a
 * later {@link #sync()} has returned; an installed snapshot is durable when {@code install()} returns,
 * as the SPI promises; {@link #close()} syncs. {@link #crash(Random)} can also keep a random prefix of
 * the unsynced mutations, as a torn log tail would. With {@link SyncMode#NONE_UNSAFE} nothing written
 * through the log ever becomes durable.
 *
 * <p>Deterministic: everything observable is ordered by group id and index, never by hash order.
 * Thread-safe: one monitor guards everything.
 */
public final class MemoryNodeStorage implements NodeStorage {

    /** An unsynced mutation of one group. */
    record Pending(String groupId, LogState.Op op) {}

    private final boolean forces;
    /** What survives a crash, by group id. */
    private final TreeMap<String, LogState> durable;
    private final TreeMap<String, MemoryLog> logs = new TreeMap<>();
    private final List<Pending> unsynced = new ArrayList<>();
    private boolean closed;
    private boolean crashed;

    /** An empty storage that models {@code fsync}. */
    public MemoryNodeStorage() {
        this(SyncMode.FSYNC);
    }

    /** An empty storage; with {@link SyncMode#NONE_UNSAFE}, {@link #sync()} makes nothing durable. */
    public MemoryNodeStorage(SyncMode syncMode) {
        this(syncMode == SyncMode.FSYNC, new TreeMap<>());
    }

    private MemoryNodeStorage(boolean forces, TreeMap<String, LogState> durable) {
        this.forces = forces;
        this.durable = durable;
    }

    /**
     * Opens a group's log; its identity is durable at once. Opening the same group again returns the
     * same log.
     *
     * @throws StorageException if the group was opened with another identity
     */
    @Override
    public synchronized LogStorage open(GroupIdentity identity) {
        check();
        LogState stored = durable.computeIfAbsent(identity.groupId(), id -> new LogState(identity));
        if (!stored.identity.equals(identity)) {
            throw new StorageException("group '" + identity.groupId() + "' is stored as " + stored.identity
                    + "; it cannot be opened as " + identity);
        }
        return logs.computeIfAbsent(identity.groupId(), id -> new MemoryLog(this, stored.copy()));
    }

    /** Makes every mutation made so far durable (unless the sync mode is NONE_UNSAFE). */
    @Override
    public synchronized void sync() {
        check();
        if (forces) {
            for (Pending p : unsynced) {
                p.op().applyTo(durable.get(p.groupId()));
            }
        }
        unsynced.clear();
    }

    @Override
    public boolean durable() {
        return forces;
    }

    /** Syncs, as the file storage does, then refuses further use; {@link #crash()} still restarts it. */
    @Override
    public synchronized void close() {
        if (!closed && !crashed) {
            sync();
            closed = true;
        }
    }

    /**
     * Simulates a power loss and a restart: returns a new storage holding only what was durable. This
     * storage and its logs throw from then on.
     */
    public synchronized MemoryNodeStorage crash() {
        return crash(null);
    }

    /**
     * Like {@link #crash()}, but also keeps the first {@code n} unsynced mutations, {@code n} drawn
     * uniformly from {@code tear} (null keeps none): a torn tail, which recovery cuts after some record.
     */
    public synchronized MemoryNodeStorage crash(Random tear) {
        if (crashed) {
            throw new StorageException("this storage already crashed");
        }
        crashed = true;
        TreeMap<String, LogState> survivors = new TreeMap<>();
        for (Map.Entry<String, LogState> e : durable.entrySet()) {
            survivors.put(e.getKey(), e.getValue().copy());
        }
        int kept = tear == null || !forces ? 0 : tear.nextInt(unsynced.size() + 1);
        for (Pending p : unsynced.subList(0, kept)) {
            p.op().applyTo(survivors.get(p.groupId()));
        }
        unsynced.clear();
        return new MemoryNodeStorage(forces, survivors);
    }

    /** Records a mutation that {@code log} has already applied to what it shows. */
    void mutated(String groupId, LogState.Op op) {
        check();
        if (forces) {
            unsynced.add(new Pending(groupId, op));
        }
    }

    /** Records an installed snapshot, which is durable at once. */
    void installed(String groupId, LogState.Snapshot snapshot) {
        check();
        durable.get(groupId).snapshot = snapshot;
    }

    /** Fails once the storage is closed or crashed. */
    void check() {
        if (crashed) {
            throw new StorageException("this storage crashed; use the storage crash() returned");
        }
        if (closed) {
            throw new StorageException("this storage is closed");
        }
    }
}
