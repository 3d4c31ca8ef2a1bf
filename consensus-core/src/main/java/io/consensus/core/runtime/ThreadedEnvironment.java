package io.consensus.core.runtime;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production environment: one event-loop thread, one sync thread and a small apply pool per
 * node, however many groups it hosts.
 */
public final class ThreadedEnvironment {

    private ThreadedEnvironment() {}

    /** Creates the threads of one node; {@link NodeEnvironment#shutdown()} stops them. */
    public static NodeEnvironment create(String memberId) {
        ScheduledExecutorService loopThread = Executors.newSingleThreadScheduledExecutor(named("consensus-loop-" + memberId));
        ExecutorService syncThread = Executors.newSingleThreadExecutor(named("consensus-sync-" + memberId));
        int applyThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        ExecutorService applyPool = Executors.newFixedThreadPool(applyThreads, named("consensus-apply-" + memberId));
        EventLoop loop = new ThreadLoop(loopThread);
        Runnable shutdown = () -> {
            loopThread.shutdownNow();
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

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + (count.get() == 0 ? "" : "-" + count.get()));
            count.incrementAndGet();
            thread.setDaemon(true);
            return thread;
        };
    }

    private static final class ThreadLoop implements EventLoop {
        private final ScheduledExecutorService executor;
        private final ThreadLocal<Boolean> inLoop = ThreadLocal.withInitial(() -> false);

        ThreadLoop(ScheduledExecutorService executor) {
            this.executor = executor;
            executor.execute(() -> inLoop.set(true));
        }

        @Override
        public long nowMillis() {
            return System.nanoTime() / 1_000_000;
        }

        @Override
        public void execute(Runnable task) {
            try {
                executor.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // The node is closing; its groups have already failed their pending futures.
            }
        }

        @Override
        public Cancellable schedule(long delayMillis, Runnable task) {
            try {
                ScheduledFuture<?> future = executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
                return () -> future.cancel(false);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                return () -> { };
            }
        }

        @Override
        public boolean inLoop() {
            return inLoop.get();
        }
    }
}
