package io.consensus.core.runtime;

import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects a blocked event loop: the loop marks when each task starts and ends, and a separate thread
 * {@link #check()}s periodically, warning once per task that has run longer than the threshold, with
 * how long it has run and where the loop thread is, so the culprit is visible without a debugger.
 * Real threads only; the simulator's loop is never blocked.
 */
final class LoopWatchdog {

    private static final Logger log = LoggerFactory.getLogger(LoopWatchdog.class);
    private static final int STACK_FRAMES = 12;

    private final String memberId;
    private final long thresholdNanos;
    private final LongSupplier nanoClock;
    private volatile Thread loopThread;
    /** When the running task started on the clock, or 0 while the loop is idle. */
    private volatile long taskStartedNanos;
    /** Confined to the watchdog thread: the start of the task last warned about. */
    private long warnedStartNanos;

    /** @param nanoClock {@link System#nanoTime()}, or a test's clock */
    LoopWatchdog(String memberId, long thresholdMillis, LongSupplier nanoClock) {
        this.memberId = memberId;
        this.thresholdNanos = thresholdMillis * 1_000_000L;
        this.nanoClock = nanoClock;
    }

    /**
     * Runs one task of a real loop on {@code thread}, telling {@code watchdog} (if any) when it starts
     * and ends. A task's failure is logged and swallowed: tasks are guarded by their group, so anything
     * reaching here is a bug in the runtime itself, and it must neither kill the loop nor vanish into a
     * timer's future.
     */
    static void runWatched(LoopWatchdog watchdog, Thread thread, Runnable task) {
        if (watchdog != null) {
            watchdog.taskStarting(thread);
        }
        try {
            task.run();
        } catch (Throwable t) {
            log.error("event loop task failed", t);
        } finally {
            if (watchdog != null) {
                watchdog.taskFinished();
            }
        }
    }

    /** On the loop thread, before each task. */
    void taskStarting(Thread thread) {
        loopThread = thread;
        taskStartedNanos = nanoClock.getAsLong();
    }

    /** On the loop thread, after each task. */
    void taskFinished() {
        taskStartedNanos = 0;
    }

    /** On the watchdog thread: warns if the running task is over the threshold and not yet reported. */
    void check() {
        long started = taskStartedNanos;
        if (started == 0 || started == warnedStartNanos) {
            return;
        }
        long ranNanos = nanoClock.getAsLong() - started;
        if (ranNanos <= thresholdNanos) {
            return;
        }
        warnedStartNanos = started;
        Thread thread = loopThread;
        String stack = thread == null ? "" : Arrays.stream(thread.getStackTrace()).limit(STACK_FRAMES)
                .map(frame -> "\n\tat " + frame).collect(Collectors.joining());
        log.warn("event loop of {} blocked: one task has run for {} ms (threshold {} ms; consensus.slow.loop.ms); "
                + "every group on this node is stalled until it returns. The loop is at:{}", memberId,
                ranNanos / 1_000_000, thresholdNanos / 1_000_000, stack);
    }
}
