package io.consensus.testkit.sim;

import java.util.List;
import java.util.PriorityQueue;

/**
 * The simulation's one queue of events on virtual time, in microseconds. Events run in order of
 * (time, insertion sequence), so two runs that insert the same events in the same order run them
 * in the same order. Events belong to an {@link Owner} (a member's incarnation, or none): an event
 * whose owner has died is discarded, and one whose owner is paused is handed back to it to hold.
 * Single-threaded: everything runs on the thread that calls {@link #runNext}.
 */
final class Scheduler {

    /** What an event belongs to. */
    interface Owner {
        /** False once the owner crashed: its events are discarded. */
        boolean alive();

        /** Offered every due event; returns true if it keeps the event to run later (paused). */
        boolean hold(Event event);
    }

    /** One scheduled task. Mutable only so that held events can be put back with a new time. */
    static final class Event implements Comparable<Event> {
        private long timeMicros;
        private long seq;
        private final Owner owner;
        private final Object lane;
        private final Runnable task;
        private boolean cancelled;

        private Event(long timeMicros, long seq, Owner owner, Object lane, Runnable task) {
            this.timeMicros = timeMicros;
            this.seq = seq;
            this.owner = owner;
            this.lane = lane;
            this.task = task;
        }

        /** Prevents the event from running if it has not yet. */
        void cancel() {
            cancelled = true;
        }

        long timeMicros() {
            return timeMicros;
        }

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(timeMicros, other.timeMicros);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long nowMicros;
    private long nextSeq;
    private long executed;
    private Event current;

    /** Virtual time now, in microseconds since the start of the run. */
    long nowMicros() {
        return nowMicros;
    }

    /** How many events have run. */
    long executed() {
        return executed;
    }

    /** Schedules {@code task} at {@code nowMicros() + delayMicros} (a negative delay means now). */
    Event after(long delayMicros, Owner owner, Object lane, Runnable task) {
        Event event = new Event(nowMicros + Math.max(0, delayMicros), nextSeq++, owner, lane, task);
        queue.add(event);
        return event;
    }

    /** Puts held events back, to run now in their original order. */
    void release(List<Event> held) {
        for (Event event : held) {
            event.timeMicros = nowMicros;
            event.seq = nextSeq++;
            queue.add(event);
        }
    }

    /** The owner of the running event, or null between events or for an ownerless one. */
    Owner currentOwner() {
        return current == null ? null : current.owner;
    }

    /** The lane of the running event. */
    Object currentLane() {
        return current == null ? null : current.lane;
    }

    /** The time of the next event, or {@link Long#MAX_VALUE} when none is queued. */
    long nextTimeMicros() {
        Event next = queue.peek();
        return next == null ? Long.MAX_VALUE : next.timeMicros;
    }

    /**
     * Runs the next event if it is due by {@code limitMicros}; otherwise advances time to the limit.
     *
     * @return false when nothing is due by the limit
     */
    boolean runNext(long limitMicros) {
        Event event = queue.peek();
        if (event == null || event.timeMicros > limitMicros) {
            nowMicros = Math.max(nowMicros, limitMicros);
            return false;
        }
        queue.poll();
        nowMicros = event.timeMicros;
        if (event.cancelled) {
            return true;
        }
        Owner owner = event.owner;
        if (owner != null && (!owner.alive() || owner.hold(event))) {
            return true;
        }
        current = event;
        executed++;
        try {
            event.task.run();
        } finally {
            current = null;
        }
        return true;
    }
}
