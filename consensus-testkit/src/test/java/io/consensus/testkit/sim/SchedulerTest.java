package io.consensus.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    private final Scheduler scheduler = new Scheduler();
    private final List<String> ran = new ArrayList<>();

    /** An owner that can die or pause. */
    private static final class Owner implements Scheduler.Owner {
        boolean alive = true;
        boolean paused;
        final List<Scheduler.Event> held = new ArrayList<>();

        @Override
        public boolean alive() {
            return alive;
        }

        @Override
        public boolean hold(Scheduler.Event event) {
            if (paused) {
                held.add(event);
            }
            return paused;
        }
    }

    private void runAll() {
        while (scheduler.nextTimeMicros() != Long.MAX_VALUE) {
            scheduler.runNext(Long.MAX_VALUE);
        }
    }

    @Test
    void eventsRunByTimeThenByInsertionOrder() {
        scheduler.after(20, null, null, () -> ran.add("b@20"));
        scheduler.after(10, null, null, () -> ran.add("a@10"));
        scheduler.after(20, null, null, () -> ran.add("c@20"));

        runAll();

        assertThat(ran).containsExactly("a@10", "b@20", "c@20");
        assertThat(scheduler.nowMicros()).isEqualTo(20);
    }

    @Test
    void cancelledAndDeadOwnersEventsDoNotRun() {
        Owner crashed = new Owner();
        scheduler.after(5, crashed, null, () -> ran.add("crashed"));
        scheduler.after(5, null, null, () -> ran.add("cancelled")).cancel();
        scheduler.after(6, null, null, () -> ran.add("kept"));
        crashed.alive = false;

        runAll();

        assertThat(ran).containsExactly("kept");
    }

    @Test
    void pausedOwnersEventsRunLateInTheirOrderOnRelease() {
        Owner paused = new Owner();
        paused.paused = true;
        scheduler.after(5, paused, null, () -> ran.add("first"));
        scheduler.after(7, paused, null, () -> ran.add("second"));
        scheduler.after(9, null, null, () -> ran.add("other"));
        runAll();
        assertThat(ran).containsExactly("other");

        scheduler.after(100, null, null, () -> {
            paused.paused = false;
            scheduler.release(paused.held);
        });
        runAll();

        assertThat(ran).containsExactly("other", "first", "second");
        assertThat(scheduler.nowMicros()).isEqualTo(109);
    }

    @Test
    void runNextStopsAtTheLimitAndAdvancesTime() {
        scheduler.after(50, null, null, () -> ran.add("late"));

        assertThat(scheduler.runNext(30)).isFalse();
        assertThat(scheduler.nowMicros()).isEqualTo(30);
        assertThat(ran).isEmpty();
    }

    @Test
    void laneRunsTasksOneAtATimeInSubmissionOrder() {
        Lane lane = new Lane(scheduler, null, "lane", () -> 3);
        lane.execute(() -> ran.add("1"));
        lane.execute(() -> {
            ran.add("2");
            lane.execute(() -> ran.add("4"));
        });
        lane.execute(() -> ran.add("3"));

        runAll();

        assertThat(ran).containsExactly("1", "2", "3", "4");
        assertThat(scheduler.nowMicros()).isEqualTo(12);
    }

    @Test
    void driftingClockScalesTimeBothWays() {
        SimClock fast = new SimClock(1_000, 1.05, 0);

        assertThat(fast.nowMillis(100_000)).isEqualTo(1_105);
        assertThat(fast.virtualMicros(105)).isEqualTo(100_000);
    }
}
