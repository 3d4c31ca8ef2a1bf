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

    /**
     * Whether, called from a task on this loop, no other task is waiting to run: a short blocking
     * call made now would delay nobody. The runtime then does its {@code fsync} on the loop itself
     * instead of handing it to another thread and back, two thread wake-ups fewer on the path of a
     * lone write. False by default (the simulator never blocks its loop).
     */
    default boolean idle() {
        return false;
    }

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Prevents the task from running if it has not started. */
        void cancel();
    }
}
