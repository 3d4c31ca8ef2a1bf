package io.consensus.api;

/** A member's role in its group, common to every protocol. */
public enum Role {
    /** Orders commands for the group (Raft leader, Paxos distinguished proposer, Zab leader). */
    LEADER,
    /** Trying to become leader (Raft candidate, Paxos phase 1, Zab election or discovery). */
    CANDIDATE,
    /** A voting member following a leader, or waiting for one. */
    FOLLOWER,
    /** A non-voting member that receives the log (Raft learner, Zab observer). */
    LEARNER,
    /** Not running: before start, after close, or halted by a fatal error. */
    STOPPED
}
