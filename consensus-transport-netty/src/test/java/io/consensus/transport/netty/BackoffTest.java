package io.consensus.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofMillis(2000));
    private final Random random = new Random(42);

    @Test
    void delaysDoubleFromTheMinimumAndStayInTheUpperHalfOfEachStep() {
        long[] steps = {50, 100, 200, 400, 800, 1600, 2000, 2000};
        for (int failures = 0; failures < steps.length; failures++) {
            for (int i = 0; i < 1000; i++) {
                assertThat(backoff.delayMillis(failures, random)).isBetween(steps[failures] / 2, steps[failures]);
            }
        }
    }

    @Test
    void manyFailuresNeverOverflowPastTheMaximum() {
        assertThat(backoff.delayMillis(Integer.MAX_VALUE, random)).isBetween(1000L, 2000L);
    }

    @Test
    void delaysAreJittered() {
        long first = backoff.delayMillis(6, random);
        boolean differs = false;
        for (int i = 0; i < 100 && !differs; i++) {
            differs = backoff.delayMillis(6, random) != first;
        }
        assertThat(differs).isTrue();
    }
}
