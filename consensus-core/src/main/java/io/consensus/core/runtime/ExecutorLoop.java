package io.consensus.core.runtime;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's event loop run on a single-threaded executor it does not own: the transport's I/O
 * thread (see {@link io.consensus.api.spi.Transport#eventLoop()}). Messages then pass between the
 * protocol and the sockets on one thread, without waking another. The executor's owner shuts it
 * down; tasks offered afterwards are dropped, as {@link LoopThread} drops them.
 */
final class ExecutorLoop implements EventLoop {


    private final ScheduledExecutorService executor;
    /** Told when each task starts and ends; null when no watchdog runs. */
    private final LoopWatchdog watchdog;
    /** Tasks handed to {@link #execute} that have not started yet: {@link #idle()} needs them, timers not. */
    private final AtomicInteger queued = new AtomicInteger();
    private volatile Thread thread;

    /** @param context entered once on the executor's thread, so its log lines name the member */
    ExecutorLoop(ScheduledExecutorService executor, LoopWatchdog watchdog, LogContext context) {
        this.executor = executor;
        this.watchdog = watchdog;
        // The first task: from then on, inLoop() can tell the executor's one thread.
        executor.execute(() -> {
            thread = Thread.currentThread();
            context.enter();
        });
    }

    @Override
    public long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public long nowNanos() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        queued.incrementAndGet();
        try {
            executor.execute(() -> {
                queued.decrementAndGet();
                run(task);
            });
        } catch (RejectedExecutionException e) {
            queued.decrementAndGet(); // the node is closing; its groups have already failed their pending futures
        }
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        try {
            ScheduledFuture<?> future = executor.schedule(() -> run(task), Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { }; // closing: the timer would never fire anyway
        }
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public boolean idle() {
        return inLoop() && queued.get() == 0;
    }

    private void run(Runnable task) {
        LoopWatchdog.runWatched(watchdog, thread, task);
    }
}
