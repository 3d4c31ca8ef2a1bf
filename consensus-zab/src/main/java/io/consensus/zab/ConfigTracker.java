package io.consensus.zab;

import io.consensus.api.Membership;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.core.protocol.MembershipCodec;
import io.consensus.core.protocol.PendingLog;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration in effect: the latest {@code CONFIG} transaction in the log, committed or not (as
 * in ZooKeeper's dynamic reconfiguration, a proposed configuration governs the quorums that decide it
 * and what follows, and one change is in flight at a time), else the latest snapshot's membership.
 * A truncation can bring an older configuration back. Null for a member that knows none (a fresh
 * member before it is synchronized).
 */
final class ConfigTracker {

    private final PendingLog log;
    private final TreeMap<Long, Membership> configs = new TreeMap<>();
    private Membership base;
    private long baseIndex;

    ConfigTracker(PendingLog log) {
        this.log = log;
        Optional<SnapshotMeta> snapshot = log.latestSnapshot();
        base = snapshot.map(SnapshotMeta::membership).orElse(null);
        baseIndex = snapshot.map(SnapshotMeta::index).orElse(0L);
        scanBackFrom(log.lastIndex());
    }

    /** The configuration in effect, or null if this member knows none. */
    Membership current() {
        Map.Entry<Long, Membership> latest = configs.lastEntry();
        return latest != null ? latest.getValue() : base;
    }

    /** The index of {@link #current()}'s transaction (or the snapshot's index, or 0). */
    long currentIndex() {
        Map.Entry<Long, Membership> latest = configs.lastEntry();
        return latest != null ? latest.getKey() : baseIndex;
    }

    /** A transaction was written; a configuration takes effect at once. */
    void appended(LogEntry entry) {
        if (entry.kind() == EntryKind.CONFIG) {
            configs.put(entry.index(), decode(entry));
        }
    }

    /** Transactions from {@code index} on were removed: their configurations no longer apply. */
    void truncatedFrom(long index) {
        boolean hadAny = !configs.isEmpty();
        configs.tailMap(index, true).clear();
        if (hadAny && configs.isEmpty()) {
            scanBackFrom(index - 1);
        }
    }

    /** The log was replaced by a snapshot (and whatever is left after it). */
    void snapshotInstalled(SnapshotMeta meta) {
        configs.clear();
        base = meta.membership();
        baseIndex = meta.index();
        scanBackFrom(log.lastIndex());
    }

    private void scanBackFrom(long from) {
        long floor = Math.max(log.firstIndex(), baseIndex + 1);
        for (long index = from; index >= floor; index--) {
            LogEntry entry = log.entry(index);
            if (entry != null && entry.kind() == EntryKind.CONFIG) {
                configs.put(index, decode(entry));
                return;
            }
        }
    }

    static Membership decode(LogEntry entry) {
        try {
            return MembershipCodec.decode(entry.payload());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("configuration transaction " + entry.index() + " is unreadable: " + e.getMessage(), e);
        }
    }
}
