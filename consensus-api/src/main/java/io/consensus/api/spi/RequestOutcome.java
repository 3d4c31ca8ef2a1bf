package io.consensus.api.spi;

import io.consensus.api.RejectedException;

/**
 * How a read, membership change or leadership transfer handed to a core ended.
 *
 * @param requestId the id the runtime passed in
 * @param failure   null on success, else why it was refused
 * @param detail    a human-readable explanation of a failure, or null
 */
public record RequestOutcome(long requestId, RejectedException.Reason failure, String detail) {

    /** A successful outcome. */
    public static RequestOutcome ok(long requestId) {
        return new RequestOutcome(requestId, null, null);
    }

    /** A refusal. */
    public static RequestOutcome failed(long requestId, RejectedException.Reason reason, String detail) {
        return new RequestOutcome(requestId, reason, detail);
    }

    /** Whether the request succeeded. */
    public boolean succeeded() {
        return failure == null;
    }
}
