package io.consensus.zab;

import io.consensus.api.spi.LogEntry;
import io.consensus.core.protocol.PendingLog;
import io.consensus.zab.ZabMessage.EpochRange;
import io.consensus.zab.ZabMessage.History;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure functions over a member's history. A Zab history is ordered by zxid, so the epochs of its
 * transactions never decrease with the index; and a transaction of epoch e is created once, by the
 * one leader that established e, at one index. Hence two logs holding a transaction of the same
 * epoch at the same index hold the same transactions up to it (the property Raft calls Log
 * Matching), which is what lets a leader compute DIFF, TRUNC or SNAP from a short {@link History}.
 *
 * <p>A history is a log above a <em>base</em>: the snapshot the member's state holds (index, epoch),
 * committed and so shared with every leader. The base is passed in rather than read from storage,
 * because a received snapshot becomes visible in storage before the runtime tells the core.
 */
final class Histories {

    /** How a follower is synchronized (paper §IV-B, ZooKeeper's {@code LearnerHandler.syncFollower}). */
    enum Mode { DIFF, TRUNC, SNAP }

    /**
     * The plan for one follower.
     *
     * @param mode     DIFF, TRUNC or SNAP
     * @param match    the highest index where the follower's log matches the leader's (for SNAP, the
     *                 follower's committed prefix)
     * @param matchEra the epoch of the transaction at {@code match}
     */
    record Plan(Mode mode, long match, long matchEra) {}

    /**
     * A log above its base.
     *
     * @param log            the log
     * @param baseIndex      the index its snapshot covers (0 if none)
     * @param baseEra        the epoch at {@code baseIndex} (0 if none)
     * @param contiguousFrom the log holds every transaction from here (at most {@code baseIndex + 1})
     *                       to its last: entries kept below a snapshot may have holes, left by a crash
     *                       between a snapshot's install and the log's truncation becoming durable
     */
    record Based(PendingLog log, long baseIndex, long baseEra, long contiguousFrom) {

        /** The last index held: the last transaction's, or the base's when the log holds none after it. */
        long lastIndex() {
            long last = log.lastIndex();
            if (last > baseIndex && log.entry(last) == null) {
                last = baseIndex; // an empty log reports its storage's snapshot, which may not be ours yet
            }
            return Math.max(last, baseIndex);
        }

        /** The epoch at {@code index}: of its transaction, of the base, 0 for index 0, else -1. */
        long eraAt(long index) {
            LogEntry entry = index > 0 ? log.entry(index) : null;
            if (entry != null) {
                return entry.era();
            }
            if (index == baseIndex) {
                return baseEra;
            }
            return index == 0 ? 0 : -1;
        }

        /** The first index from which the log holds every transaction up to the last. */
        long firstIndex() {
            return Math.max(log.firstIndex(), Math.min(contiguousFrom, baseIndex + 1));
        }

        /** Where the log is contiguous up to {@code baseIndex}: scans the entries kept below it. */
        static long contiguousBelow(PendingLog log, long baseIndex) {
            if (baseIndex == 0 || log.entry(baseIndex) == null) {
                return baseIndex + 1;
            }
            long first = baseIndex;
            while (first > log.firstIndex() && log.entry(first - 1) != null) {
                first--;
            }
            return first;
        }
    }

    /** The most epoch ranges a summary lists; older ones are left out (the leader then resends more). */
    static final int MAX_SUMMARY_RANGES = 128;

    private Histories() {}

    /** Summarizes a history (what ACKEPOCH and Resync carry). */
    static History summarize(Based history) {
        PendingLog log = history.log();
        long last = history.lastIndex();
        long lastEra = Math.max(0, history.eraAt(last));
        List<EpochRange> ranges = new ArrayList<>();
        long floor = Math.max(history.firstIndex(), history.baseIndex() + 1);
        long hi = last;
        while (hi >= floor && ranges.size() < MAX_SUMMARY_RANGES) {
            LogEntry entry = log.entry(hi);
            if (entry == null) {
                break; // a hole below (only with a deliberate fault): describe what is contiguous
            }
            long era = entry.era();
            long lo = firstIndexWithEraAtLeast(log, era, floor, hi);
            ranges.add(0, new EpochRange(era, lo, hi));
            hi = lo - 1;
        }
        return new History(history.baseIndex(), history.baseEra(), last, lastEra, ranges);
    }

    /**
     * The first index in {@code [lo, hi]} whose transaction has epoch {@code >= era}, or {@code hi + 1};
     * every index in the range must hold a transaction.
     */
    static long firstIndexWithEraAtLeast(PendingLog log, long era, long lo, long hi) {
        long low = lo;
        long high = hi + 1;
        while (low < high) {
            long mid = low + (high - low) / 2;
            if (entryEra(log, mid) >= era) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    /** The last index in {@code [lo, hi]} whose epoch is {@code <= era}, or {@code lo - 1}. */
    static long lastIndexWithEraAtMost(PendingLog log, long era, long lo, long hi) {
        return firstIndexWithEraAtLeast(log, era + 1, lo, hi) - 1;
    }

    private static long entryEra(PendingLog log, long index) {
        LogEntry entry = log.entry(index);
        if (entry == null) {
            throw new IllegalStateException("transaction " + index + " is missing inside the log ["
                    + log.firstIndex() + ", " + log.lastIndex() + "]");
        }
        return entry.era();
    }

    /**
     * Where a follower with {@code follower}'s history diverges from the leader's, and so how to
     * synchronize it. Returns null if the follower's committed prefix reaches beyond the leader's log,
     * which a correct leader never sees (it would be missing committed transactions).
     */
    static Plan plan(Based leader, History follower) {
        long leaderLast = leader.lastIndex();
        if (follower.baseIndex() > leaderLast) {
            return null;
        }
        long best = follower.baseIndex();
        long bestEra = follower.baseEra();
        List<EpochRange> ranges = follower.ranges();
        for (int i = ranges.size() - 1; i >= 0; i--) {
            EpochRange range = ranges.get(i);
            if (range.lastIndex() <= best) {
                break; // older ranges lie below what already matches
            }
            long found = matchIn(leader, range, leaderLast);
            if (found > best) {
                best = found;
                bestEra = range.era();
                break;
            }
        }
        if (best < leader.firstIndex() - 1) {
            return new Plan(Mode.SNAP, follower.baseIndex(), follower.baseEra());
        }
        return new Plan(best >= follower.lastIndex() ? Mode.DIFF : Mode.TRUNC, best, bestEra);
    }

    /** The highest index of {@code range} where the leader holds a transaction of the same epoch, or -1. */
    private static long matchIn(Based leader, EpochRange range, long leaderLast) {
        long best = -1;
        long first = leader.firstIndex();
        long lo = Math.max(range.firstIndex(), first);
        long hi = Math.min(range.lastIndex(), Math.min(leaderLast, leader.log().lastIndex()));
        if (lo <= hi) {
            long j = lastIndexWithEraAtMost(leader.log(), range.era(), lo, hi);
            if (j >= lo && entryEra(leader.log(), j) == range.era()) {
                best = j;
            }
        }
        // Positions below the retained log whose epoch the leader still knows: its base, and the one
        // just before its first retained transaction.
        for (long point : new long[] {leader.baseIndex(), first - 1}) {
            if (point > best && point > 0 && point >= range.firstIndex() && point <= range.lastIndex()
                    && point <= leaderLast && leader.eraAt(point) == range.era()) {
                best = point;
            }
        }
        return best;
    }
}
