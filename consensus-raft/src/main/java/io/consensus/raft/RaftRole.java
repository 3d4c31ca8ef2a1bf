package io.consensus.raft;

/** Raft's roles (paper §5.1) plus the pre-candidate of thesis §9.6. */
enum RaftRole {
    FOLLOWER,
    /** Probing with pre-votes whether it could win, without raising its term. */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
