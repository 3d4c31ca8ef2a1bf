package io.consensus.api;

/** How fresh a {@link ConsensusGroup#query} must be. */
public enum ReadConsistency {
    /**
     * The read reflects every command acknowledged before it was issued. The leader confirms with a
     * quorum that it still leads, then serves once applied up to the confirmed position. The default.
     */
    LINEARIZABLE,
    /**
     * Served by the leader while its lease holds, without a quorum round. Linearizable as long as
     * member clocks drift apart by less than {@code consensus.lease.drift.bound}; faster, weaker.
     */
    LEASE,
    /** Served from this member's local state, which may be behind. Never blocks on the network. */
    STALE
}
