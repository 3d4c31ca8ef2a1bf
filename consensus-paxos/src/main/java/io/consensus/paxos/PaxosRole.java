package io.consensus.paxos;

/** What a member does in Multi-Paxos besides being an acceptor and a learner, which every voter is. */
enum PaxosRole {
    /** Follows the distinguished proposer it knows, or waits for one. */
    FOLLOWER,
    /** Running phase 1 for a ballot of its own. */
    CANDIDATE,
    /** The distinguished proposer: phase 1 done, running phase 2 for every slot from its first one. */
    LEADER
}
