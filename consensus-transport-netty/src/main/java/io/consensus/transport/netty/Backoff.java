package io.consensus.transport.netty;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: exponential from {@code min}, capped at {@code max}, with "equal jitter" (a
 * uniform pick in the upper half of the step) so that peers restarted together do not reconnect in
 * lockstep, yet a delay never collapses to zero.
 *
 * @param min the delay after the first failure
 * @param max the largest delay
 */
record Backoff(Duration min, Duration max) {

    /** The delay in milliseconds before attempt {@code failures + 1}, after {@code failures} failures. */
    long delayMillis(int failures, RandomGenerator random) {
        int doublings = Math.min(failures, 30);
        long step = Math.min(max.toMillis(), min.toMillis() << doublings);
        long half = step / 2;
        return step - half + random.nextLong(half + 1);
    }
}
