package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The watchdog on a clock the test moves: no real task needs to block. */
class LoopWatchdogTest {

    private final AtomicLong nanos = new AtomicLong(1_000);
    private final LoopWatchdog watchdog = new LoopWatchdog("n1", 100, nanos::get);

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aTaskOverTheThresholdIsReportedOnceWithItsDurationAndTheLoopsStack() {
        try (LogEvents log = new LogEvents()) {
            watchdog.taskStarting(Thread.currentThread());
            advanceMillis(60);
            watchdog.check();
            assertThat(log.from(LoopWatchdog.class)).isEmpty();

            advanceMillis(90);
            watchdog.check();
            advanceMillis(500);
            watchdog.check();

            List<ILoggingEvent> warnings = log.from(LoopWatchdog.class);
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getLevel()).isEqualTo(Level.WARN);
            assertThat(warnings.get(0).getFormattedMessage())
                    .contains("event loop of n1 blocked", "has run for 150 ms", "threshold 100 ms")
                    .contains(LoopWatchdogTest.class.getName()); // the loop thread's stack
        }
    }

    @Test
    void tasksUnderTheThresholdAndIdleLoopsAreNotReportedButTheNextSlowTaskIs() {
        try (LogEvents log = new LogEvents()) {
            watchdog.taskStarting(Thread.currentThread());
            advanceMillis(90);
            watchdog.check();
            watchdog.taskFinished();
            advanceMillis(1_000);
            watchdog.check();
            assertThat(log.from(LoopWatchdog.class)).isEmpty();

            watchdog.taskStarting(Thread.currentThread());
            advanceMillis(101);
            watchdog.check();
            assertThat(log.from(LoopWatchdog.class)).hasSize(1);
        }
    }
}
