package io.consensus.testkit.sim;

import io.consensus.core.runtime.EventLoop;

/**
 * A member's event loop on virtual time: {@link #execute} queues on the member's loop lane,
 * {@link #schedule} sets a timer measured on the member's drifting clock, and both belong to the
 * member's incarnation, so a crash discards them and a pause holds them.
 */
final class SimLoop implements EventLoop {

    private final Scheduler scheduler;
    private final Scheduler.Owner owner;
    private final SimClock clock;
    private final Lane lane;

    SimLoop(Scheduler scheduler, Scheduler.Owner owner, SimClock clock, Lane lane) {
        this.scheduler = scheduler;
        this.owner = owner;
        this.clock = clock;
        this.lane = lane;
    }

    @Override
    public long nowMillis() {
        return clock.nowMillis(scheduler.nowMicros());
    }

    @Override
    public void execute(Runnable task) {
        lane.execute(task);
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        Scheduler.Event event = scheduler.after(clock.virtualMicros(Math.max(0, delayMillis)), owner, lane, task);
        return event::cancel;
    }

    @Override
    public boolean inLoop() {
        return scheduler.currentLane() == lane;
    }
}
