package io.consensus.paxos;

import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogReader;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A copy of the log entries above the applied slot. When the runtime installs a snapshot received
 * from another member it empties the log unless the entry at the snapshot's slot has the snapshot's
 * era (right for Raft, whose log is a prefix, wrong for Paxos): slots above the snapshot that this
 * acceptor accepted would be forgotten, and a later leader could miss a value they helped choose. The
 * core writes them back right after the install ({@link PaxosCore#snapshotInstalled}). A snapshot is
 * only installed above the applied slot, so entries at or below it need no copy.
 *
 * <p>After a restart at most {@link #MAX_LOADED} entries (the highest) are loaded; slots below them
 * that a later install wipes are reported as lost, and the acceptor treats them as forgotten.
 */
final class Safekeeping {

    static final int MAX_LOADED = 10_000;

    private final TreeMap<Long, LogEntry> entries = new TreeMap<>();
    /** Slots at or below this were applied: a snapshot never wipes them. */
    private long applied;
    /** Slots at or below this were not loaded at restart (above {@link #applied} they are not kept). */
    private long loadFloor;

    Safekeeping(LogReader log, long applied) {
        this.applied = applied;
        long last = log.lastIndex();
        long from = Math.max(applied + 1, last - MAX_LOADED + 1);
        this.loadFloor = from - 1;
        if (from <= last) {
            for (LogEntry entry : log.entries(from, last + 1, Long.MAX_VALUE)) {
                entries.put(entry.index(), entry);
            }
        }
    }

    void written(LogEntry entry) {
        if (entry.index() > applied && entry.index() > loadFloor) {
            entries.put(entry.index(), entry);
        }
    }

    void applied(long index) {
        if (index > applied) {
            applied = index;
            entries.headMap(index, true).clear();
        }
    }

    /** The kept entries above {@code slot}, to write back after an install that emptied the log. */
    List<LogEntry> above(long slot) {
        return new ArrayList<>(entries.tailMap(slot, false).values());
    }

    /** The highest slot above {@code slot} whose entry is not kept (lost if the log was emptied), or {@code slot}. */
    long unkeptAbove(long slot) {
        return loadFloor > Math.max(slot, applied) ? loadFloor : slot;
    }

    /** A snapshot was installed up to {@code slot}: nothing at or below it needs keeping. */
    void installed(long slot) {
        applied(slot);
        loadFloor = Math.max(loadFloor, slot);
    }

    int size() {
        return entries.size();
    }
}
