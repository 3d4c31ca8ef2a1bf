package io.consensus.core.runtime;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production environment: one event-loop thread, one sync thread and a small apply pool per
 * node, however many groups it hosts, and a watchdog thread that warns when the loop is blocked.
 * Every thread's log lines carry the member's MDC key.
 */
public final class ThreadedEnvironment {

    private ThreadedEnvironment() {}

    /**
     * Creates the threads of one node; {@link NodeEnvironment#shutdown()} stops them.
     *
     * @param slowLoop a loop task running longer than this logs a WARN; zero starts no watchdog
     */
    public static NodeEnvironment create(String memberId, Duration slowLoop) {
        return create(memberId, slowLoop, null);
    }

    /**
     * Creates the threads of one node, running its event loop on {@code transportLoop} when that is
     * not null (the transport's own I/O thread, {@link io.consensus.api.spi.Transport#eventLoop()},
     * which the transport shuts down) and on a thread of its own otherwise.
     */
    public static NodeEnvironment create(String memberId, Duration slowLoop, ScheduledExecutorService transportLoop) {
        LogContext context = LogContext.node(memberId);
        LoopWatchdog watchdog = slowLoop.isZero() ? null : new LoopWatchdog(memberId, slowLoop.toMillis(), System::nanoTime);
        LoopThread ownLoop = transportLoop != null ? null : new LoopThread(named("consensus-loop-" + memberId, context), watchdog);
        EventLoop loop = ownLoop != null ? ownLoop : new ExecutorLoop(transportLoop, watchdog, context);
        ScheduledExecutorService watchdogThread = slowLoop.isZero() ? null
                : Executors.newSingleThreadScheduledExecutor(named("consensus-watchdog-" + memberId, context));
        if (watchdogThread != null) {
            // Checking twice per threshold reports a blocked task at most 1.5 thresholds after it started.
            long periodMillis = Math.max(5, slowLoop.toMillis() / 2);
            watchdogThread.scheduleAtFixedRate(watchdog::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        }
        ExecutorService syncThread = Executors.newSingleThreadExecutor(named("consensus-sync-" + memberId, context));
        int applyThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        ExecutorService applyPool = Executors.newFixedThreadPool(applyThreads, named("consensus-apply-" + memberId, context));
        Runnable shutdown = () -> {
            if (watchdogThread != null) {
                watchdogThread.shutdownNow();
            }
            if (ownLoop != null) {
                ownLoop.shutdown();
            }
            syncThread.shutdown();
            applyPool.shutdown();
            try {
                syncThread.awaitTermination(5, TimeUnit.SECONDS);
                applyPool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        return new NodeEnvironment(loop, syncThread, () -> new SerialExecutor(applyPool), new SplittableRandom(), shutdown);
    }

    private static ThreadFactory named(String prefix, LogContext context) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Runnable tagged = () -> {
                context.enter();
                task.run();
            };
            Thread thread = new Thread(tagged, prefix + (count.get() == 0 ? "" : "-" + count.get()));
            count.incrementAndGet();
            thread.setDaemon(true);
            return thread;
        };
    }
}
