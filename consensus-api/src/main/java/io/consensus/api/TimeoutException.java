package io.consensus.api;

/**
 * The deadline passed before the outcome was known. The command may still commit later, so the
 * outcome is {@link Outcome#UNKNOWN}; retry with the same request id to apply it at most once.
 */
public final class TimeoutException extends ConsensusException {

    public TimeoutException(String message) {
        super(Outcome.UNKNOWN, message);
    }
}
