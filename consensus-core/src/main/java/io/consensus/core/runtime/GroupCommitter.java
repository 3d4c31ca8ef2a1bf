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
 * Confined to the node's event loop except the sync itself.
 */
final class GroupCommitter {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

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
    private boolean failed;

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
        if (!inFlight) {
            start();
        }
    }

    private void start() {
        List<Participant> batch = new ArrayList<>(waiting);
        waiting.clear();
        inFlight = true;
        batch.forEach(Participant::syncStarting);
        syncExecutor.execute(() -> {
            Throwable failure = null;
            long startNanos = loop.nowNanos();
            try {
                // fsync: everything written before this call is durable once it returns. Only then are
                // votes, acknowledgements and commits that depend on it released (in synced()).
                storage.sync();
            } catch (Throwable t) {
                failure = t;
            }
            Throwable result = failure;
            long tookNanos = loop.nowNanos() - startNanos;
            loop.execute(() -> finish(batch, result, tookNanos));
        });
    }

    private void finish(List<Participant> batch, Throwable failure, long tookNanos) {
        inFlight = false;
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
            start();
        }
    }
}
