package io.consensus.core.runtime;

import io.consensus.api.metrics.Summary;
import io.consensus.api.metrics.Timer;
import io.consensus.api.spi.NodeStorage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for a whole node: every group that wrote since the last sync waits for the next one,
 * and one {@link NodeStorage#sync()} (one fsync) makes all their writes durable. While a sync runs,
 * new writes accumulate for the next, so under load each fsync covers many proposals of many groups.
 * Confined to the node's event loop except the sync itself, which runs on the sync thread, or on the
 * loop when nothing else is waiting there and the disk syncs fast (see {@link EventLoop#idle()}).
 */
final class GroupCommitter {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
    /** Syncs averaging longer than this run on the sync thread even when the loop is idle. */
    private static final long INLINE_SYNC_LIMIT_NANOS = 1_000_000;

    /** A group waiting for durability. */
    interface Participant {
        /** On the loop, just before the sync starts: note what this sync will cover. */
        void syncStarting();

        /** On the loop, once the sync covering {@link #syncStarting()} has returned. */
        void synced();
    }

    private final EventLoop loop;
    private final Executor syncExecutor;
    private final NodeStorage storage;
    private final Consumer<Throwable> onFailure;
    private final Timer fsyncLatency;
    private final Summary fsyncGroups;
    private final long slowFsyncNanos;
    private final LogContext context;
    private final LinkedHashSet<Participant> waiting = new LinkedHashSet<>();
    private boolean inFlight;
    /** A sync on the loop is queued behind the current task. */
    private boolean inlinePending;
    private boolean failed;
    /** Moving average of recent syncs' durations: a slow disk is never synced on the loop. */
    private long recentSyncNanos;

    /**
     * @param fsyncLatency   records each sync's duration
     * @param fsyncGroups    records how many groups each sync covered
     * @param slowFsyncMillis a sync longer than this logs a WARN; 0 never
     */
    GroupCommitter(EventLoop loop, Executor syncExecutor, NodeStorage storage, Consumer<Throwable> onFailure,
                   Timer fsyncLatency, Summary fsyncGroups, long slowFsyncMillis, LogContext context) {
        this.loop = loop;
        this.syncExecutor = syncExecutor;
        this.storage = storage;
        this.onFailure = onFailure;
        this.fsyncLatency = fsyncLatency;
        this.fsyncGroups = fsyncGroups;
        this.slowFsyncNanos = slowFsyncMillis > 0 ? slowFsyncMillis * 1_000_000L : Long.MAX_VALUE;
        this.context = context;
    }

    /** Asks for a sync that covers everything {@code participant} wrote so far. */
    void request(Participant participant) {
        if (failed) {
            return;
        }
        waiting.add(participant);
        if (inFlight || inlinePending) {
            return;
        }
        if (loop.idle() && recentSyncNanos < INLINE_SYNC_LIMIT_NANOS) {
            // Nothing else is queued: sync on the loop once the current task has sent what its writes
            // allow (writes precede sends, the sync need not), sparing the hand-off to the sync thread
            // and back: two thread wake-ups on the path of every lone write.
            inlinePending = true;
            loop.execute(this::startInline);
        } else {
            startOnSyncThread();
        }
    }

    private void startInline() {
        inlinePending = false;
        if (inFlight || failed || waiting.isEmpty()) {
            return;
        }
        if (!loop.idle()) {
            startOnSyncThread(); // work arrived meanwhile: do not hold it up for the length of a sync
            return;
        }
        List<Participant> batch = begin();
        long startNanos = loop.nowNanos();
        finish(batch, syncOnce(), loop.nowNanos() - startNanos);
    }

    private void startOnSyncThread() {
        List<Participant> batch = begin();
        syncExecutor.execute(() -> {
            long startNanos = loop.nowNanos();
            Throwable result = syncOnce();
            long tookNanos = loop.nowNanos() - startNanos;
            loop.execute(() -> finish(batch, result, tookNanos));
        });
    }

    private List<Participant> begin() {
        List<Participant> batch = new ArrayList<>(waiting);
        waiting.clear();
        inFlight = true;
        batch.forEach(Participant::syncStarting);
        return batch;
    }

    /** One sync; the failure, or null. */
    private Throwable syncOnce() {
        try {
            // fsync: everything written before this call is durable once it returns. Only then are
            // votes, acknowledgements and commits that depend on it released (in synced()).
            storage.sync();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private void finish(List<Participant> batch, Throwable failure, long tookNanos) {
        inFlight = false;
        recentSyncNanos += (tookNanos - recentSyncNanos) / 8;
        fsyncLatency.recordNanos(tookNanos);
        fsyncGroups.record(batch.size());
        if (tookNanos > slowFsyncNanos) {
            context.enter();
            log.warn("slow fsync: {} ms for {} group(s) (threshold {} ms; consensus.slow.fsync.ms); commits, votes and "
                    + "acknowledgements wait for it", tookNanos / 1_000_000, batch.size(), slowFsyncNanos / 1_000_000);
        }
        if (failure != null) {
            // Never retried as if the data were safe (fsyncgate): the node stops.
            failed = true;
            onFailure.accept(failure);
            return;
        }
        batch.forEach(Participant::synced);
        if (!waiting.isEmpty()) {
            startOnSyncThread();
        }
    }
}
