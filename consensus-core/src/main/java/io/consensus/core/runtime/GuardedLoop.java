package io.consensus.core.runtime;

import java.util.function.Consumer;

/**
 * An event loop that hands any exception escaping a task to a failure handler, so that a bug in a
 * protocol core halts its group loudly instead of vanishing inside an executor.
 */
final class GuardedLoop implements EventLoop {

    private final EventLoop loop;
    private final Consumer<Throwable> onFailure;

    GuardedLoop(EventLoop loop, Consumer<Throwable> onFailure) {
        this.loop = loop;
        this.onFailure = onFailure;
    }

    private Runnable guard(Runnable task) {
        return () -> {
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
}
