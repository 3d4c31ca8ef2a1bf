package io.consensus.testkit.sim;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * A serial executor on virtual time: tasks run one at a time, in submission order, each after a
 * dispatch delay drawn when it reaches the head of the queue. Models a thread (the event loop, a
 * group's apply thread, the fsync thread) whose work interleaves with the other threads of the node
 * in a seed-chosen way.
 */
final class Lane implements Executor {

    private final Scheduler scheduler;
    private final Scheduler.Owner owner;
    private final String name;
    private final LongSupplier delayMicros;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean dispatching;

    Lane(Scheduler scheduler, Scheduler.Owner owner, String name, LongSupplier delayMicros) {
        this.scheduler = scheduler;
        this.owner = owner;
        this.name = name;
        this.delayMicros = delayMicros;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (!dispatching) {
            dispatchNext();
        }
    }

    private void dispatchNext() {
        dispatching = true;
        scheduler.after(delayMicros.getAsLong(), owner, this, this::runOne);
    }

    private void runOne() {
        Runnable task = tasks.poll();
        dispatching = false;
        if (!tasks.isEmpty()) {
            dispatchNext();
        }
        if (task != null) {
            task.run();
        }
    }

    /** Whether the running event is a task of this lane. */
    boolean running() {
        return scheduler.currentLane() == this;
    }

    @Override
    public String toString() {
        return name;
    }
}
