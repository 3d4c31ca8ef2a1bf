package io.consensus.core.runtime;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** Runs tasks one at a time, in order, on a shared pool (or, with {@link #executeInline}, on the caller): one group's apply path. */
final class SerialExecutor implements Executor {

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
        if (!running) {
            running = true;
            pool.execute(this::drain);
        }
    }

    /**
     * Runs {@code task} at once on the calling thread when no task of this executor is queued or
     * running, and queues it like {@link #execute} otherwise: order is kept either way. What the task
     * queues while it runs goes to the pool afterwards.
     */
    void executeInline(Runnable task) {
        synchronized (this) {
            if (running) {
                tasks.add(task);
                return;
            }
            running = true;
        }
        try {
            task.run();
        } finally {
            boolean queued;
            synchronized (this) {
                queued = !tasks.isEmpty();
                running = queued;
            }
            if (queued) {
                pool.execute(this::drain);
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = tasks.poll();
                if (task == null) {
                    running = false;
                    return;
                }
            }
            task.run();
        }
    }
}
