package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The node's event loop running on a transport's single I/O thread. */
class ExecutorLoopTest {

    private final ScheduledExecutorService io = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "io"));
    private final ExecutorLoop loop = new ExecutorLoop(io, null, LogContext.node("m1"));

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    @Test
    void runsTasksInOrderOnTheExecutorsThreadAndKnowsWhenNothingWaits() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            seen.add("first inLoop=" + loop.inLoop() + " idle=" + loop.idle());
            loop.execute(() -> {
                seen.add("second idle=" + loop.idle());
                done.countDown();
            });
            seen.add("first, second queued: idle=" + loop.idle());
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly("first inLoop=true idle=true", "first, second queued: idle=false",
                "second idle=true");
        assertThat(loop.inLoop()).isFalse();
        assertThat(loop.idle()).isFalse();
    }

    @Test
    void timersFireAndCancelledOnesDoNot() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        loop.schedule(5, () -> seen.add("cancelled")).cancel();
        loop.schedule(20, () -> {
            seen.add("fired");
            fired.countDown();
        });
        assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly("fired");
    }

    @Test
    void aClosedTransportsThreadDropsTasksQuietly() throws Exception {
        io.shutdown();
        assertThat(io.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThatCode(() -> {
            loop.execute(() -> { });
            loop.schedule(1, () -> { }).cancel();
        }).doesNotThrowAnyException();
    }
}
