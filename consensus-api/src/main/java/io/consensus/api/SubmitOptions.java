package io.consensus.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-call options of {@link ConsensusGroup#submit(byte[], SubmitOptions)}.
 *
 * @param timeout   how long to wait for the outcome; past it the future fails with
 *                  {@link TimeoutException} (outcome unknown). Null means the group's default.
 * @param requestId a caller-chosen id that makes retries exactly-once: a command submitted again
 *                  with the same id (on any member, within {@code consensus.dedup.ttl.ms}) is not
 *                  applied again and gets the first result. Null means no cross-retry dedup.
 */
public record SubmitOptions(Duration timeout, String requestId) {

    /** The defaults: the group's timeout, no request id. */
    public static final SubmitOptions DEFAULT = new SubmitOptions(null, null);

    public SubmitOptions {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (requestId != null && (requestId.isEmpty() || requestId.length() > 256)) {
            throw new IllegalArgumentException("requestId must have 1 to 256 characters");
        }
    }

    /** Options with a request id for exactly-once retries. */
    public static SubmitOptions requestId(String requestId) {
        return new SubmitOptions(null, Objects.requireNonNull(requestId, "requestId"));
    }

    /** Options with a timeout. */
    public static SubmitOptions timeout(Duration timeout) {
        return new SubmitOptions(Objects.requireNonNull(timeout, "timeout"), null);
    }

    /** These options with another timeout. */
    public SubmitOptions withTimeout(Duration newTimeout) {
        return new SubmitOptions(newTimeout, requestId);
    }
}
