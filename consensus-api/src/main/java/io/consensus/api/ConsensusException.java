package io.consensus.api;

import java.util.Objects;

/**
 * Base of the exceptions a {@link ConsensusGroup} completes futures with. {@link #outcome()} says
 * whether the command may have taken effect, which is what decides whether a retry is safe.
 */
public class ConsensusException extends RuntimeException {

    private final Outcome outcome;

    public ConsensusException(Outcome outcome, String message) {
        this(outcome, message, null);
    }

    public ConsensusException(Outcome outcome, String message, Throwable cause) {
        super(message, cause);
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /** Whether the command certainly did not apply, may have, or did. */
    public Outcome outcome() {
        return outcome;
    }
}
