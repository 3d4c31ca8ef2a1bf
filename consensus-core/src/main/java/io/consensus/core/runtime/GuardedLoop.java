package io.consensus.core.runtime;

import java.util.function.Consumer;

/**
 * An event loop that hands any exception escaping a task to a failure handler, so that a bug in a
 * protocol core halts its group loudly instead of vanishing inside an executor, and tags the task's
 * log lines with its group's {@link LogContext}.
 */
final class GuardedLoop implements EventLoop {

    private final EventLoop loop;
    private final Consumer<Throwable> onFailure;
    private final LogContext context;

    GuardedLoop(EventLoop loop, Consumer<Throwable> onFailure, LogContext context) {
        this.loop = loop;
        this.onFailure = onFailure;
        this.context = context;
    }

    private Runnable guard(Runnable task) {
        return () -> {
            context.enter();
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                onFailure.accept(e);
            }
        };
    }

    @Override
    public long nowMillis() {
        return loop.nowMillis();
    }

    @Override
    public long nowNanos() {
        return loop.nowNanos();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(guard(task));
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        return loop.schedule(delayMillis, guard(task));
    }

    @Override
    public boolean inLoop() {
        return loop.inLoop();
    }

    @Override
    public boolean idle() {
        return loop.idle();
    }
}
