package io.consensus.core.protocol;

import io.consensus.api.Membership;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.SnapshotMeta;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration in effect for protocols that use the latest {@code CONFIG} entry in the log as
 * soon as it is written, committed or not (Raft thesis section 4.1; ZooKeeper's dynamic
 * reconfiguration likewise lets a proposed configuration govern the quorums that decide it), so a
 * truncation can bring an older one back. Falls back to the latest snapshot's membership, then to
 * the bootstrap membership; null when none exists (a fresh member).
 */
public final class ConfigTracker {

    private final PendingLog log;
    /** Configuration entries seen in the log, by index. */
    private final TreeMap<Long, Membership> configs = new TreeMap<>();
    private Membership base;
    private long baseIndex;

    public ConfigTracker(PendingLog log, Membership bootstrap) {
        this.log = log;
        Optional<SnapshotMeta> snapshot = log.latestSnapshot();
        base = snapshot.map(SnapshotMeta::membership).orElse(bootstrap);
        baseIndex = snapshot.map(SnapshotMeta::index).orElse(0L);
        scanBackFrom(log.lastIndex());
    }

    /** The configuration in effect, or null if this member knows none. */
    public Membership current() {
        Map.Entry<Long, Membership> latest = configs.lastEntry();
        return latest != null ? latest.getValue() : base;
    }

    /** The log index of {@link #current()}: its entry, or the snapshot's index, or 0. */
    public long currentIndex() {
        Map.Entry<Long, Membership> latest = configs.lastEntry();
        return latest != null ? latest.getKey() : baseIndex;
    }

    /** An entry was appended; a configuration takes effect at once. */
    public void appended(LogEntry entry) {
        if (entry.kind() == EntryKind.CONFIG) {
            configs.put(entry.index(), decode(entry));
        }
    }

    /** Entries from {@code index} on were removed: their configurations no longer apply. */
    public void truncatedFrom(long index) {
        boolean hadAny = !configs.isEmpty();
        configs.tailMap(index, true).clear();
        if (hadAny && configs.isEmpty()) {
            scanBackFrom(index - 1);
        }
    }

    /** The log was replaced by a snapshot (and whatever the runtime kept after it). */
    public void snapshotInstalled(SnapshotMeta meta) {
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

    /** Decodes a {@code CONFIG} entry; an unreadable one is a broken invariant. */
    public static Membership decode(LogEntry entry) {
        try {
            return MembershipCodec.decode(entry.payload());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("configuration entry " + entry.index() + " is unreadable: " + e.getMessage(), e);
        }
    }
}
