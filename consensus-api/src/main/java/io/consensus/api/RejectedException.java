package io.consensus.api;

/**
 * The request was refused before it could take effect: backpressure, a command over the size
 * limit, no known leader, a closed group. Always {@link Outcome#NOT_APPLIED}.
 */
public final class RejectedException extends ConsensusException {

    /** Why a request was refused. */
    public enum Reason {
        /** Too many proposals in flight for this group ({@code consensus.max.pending.proposals}). */
        BACKPRESSURE,
        /** The command is larger than {@code consensus.max.command.bytes}. */
        TOO_LARGE,
        /** No leader is known, or the leader refused because it is no longer leader. */
        NO_LEADER,
        /** The group is not started, or has been closed. */
        CLOSED,
        /** The request is invalid for the group's current state (e.g. removing an unknown member). */
        INVALID
    }

    private final Reason reason;

    public RejectedException(Reason reason, String message) {
        super(Outcome.NOT_APPLIED, message);
        this.reason = reason;
    }

    /** Why the request was refused. */
    public Reason reason() {
        return reason;
    }
}
