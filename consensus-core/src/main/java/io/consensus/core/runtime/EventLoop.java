package io.consensus.core.runtime;

/**
 * A serial executor with a clock and timers. Every task runs on one logical thread, in submission
 * order, so the state it touches needs no locks. The real one is a thread; the simulator's runs on
 * virtual time.
 */
public interface EventLoop {

    /** Milliseconds on this loop's clock (monotonic; not wall time). */
    long nowMillis();

    /**
     * Nanoseconds on this loop's clock, for measuring durations; callable from any thread. The real
     * loop reads {@link System#nanoTime()}; by default it is {@link #nowMillis()} scaled, so a
     * virtual clock stays the only clock a simulation reads.
     */
    default long nowNanos() {
        return nowMillis() * 1_000_000L;
    }

    /** Runs {@code task} on the loop after the tasks already queued. Callable from any thread. */
    void execute(Runnable task);

    /** Runs {@code task} on the loop after {@code delayMillis}. */
    Cancellable schedule(long delayMillis, Runnable task);

    /** Whether the caller is running on this loop. */
    boolean inLoop();

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Prevents the task from running if it has not started. */
        void cancel();
    }
}
