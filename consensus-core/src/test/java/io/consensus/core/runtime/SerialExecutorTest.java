package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One group's apply path: tasks in order, inline on the caller only when nothing is queued or running. */
class SerialExecutorTest {

    /** A pool that runs nothing until told, so a test decides when the "apply thread" works. */
    private final ArrayDeque<Runnable> pool = new ArrayDeque<>();
    private final SerialExecutor serial = new SerialExecutor(pool::add);
    private final List<String> ran = new ArrayList<>();

    private void runPool() {
        while (!pool.isEmpty()) {
            pool.poll().run();
        }
    }

    @Test
    void anIdleExecutorRunsAnInlineTaskAtOnceOnTheCaller() {
        serial.executeInline(() -> ran.add("a"));

        assertThat(ran).containsExactly("a");
        assertThat(pool).as("nothing handed to the pool").isEmpty();
    }

    @Test
    void anInlineTaskWaitsBehindQueuedWork() {
        serial.execute(() -> ran.add("snapshot"));
        serial.executeInline(() -> ran.add("apply"));

        assertThat(ran).as("not run ahead of the queued task").isEmpty();
        runPool();
        assertThat(ran).containsExactly("snapshot", "apply");
    }

    @Test
    void whatAnInlineTaskQueuesGoesToThePoolAfterIt() {
        serial.executeInline(() -> {
            ran.add("apply");
            serial.execute(() -> ran.add("snapshot"));
            serial.executeInline(() -> ran.add("next apply"));
        });

        assertThat(ran).containsExactly("apply");
        runPool();
        assertThat(ran).containsExactly("apply", "snapshot", "next apply");
        serial.executeInline(() -> ran.add("idle again"));
        assertThat(ran).last().isEqualTo("idle again");
    }

    @Test
    void aFailingInlineTaskLeavesTheExecutorUsable() {
        try {
            serial.executeInline(() -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            ran.add("thrown");
        }
        serial.executeInline(() -> ran.add("after"));

        assertThat(ran).containsExactly("thrown", "after");
    }
}
