package io.consensus.paxos;

import io.consensus.core.protocol.Progress;

/** What a leader tracks of one other member. */
final class Peer {

    final String id;
    /** Accept messages in flight and the slot to send next ({@link Progress} of consensus-core). */
    final Progress progress;
    /** Whether it votes in a configuration the leader proposes in, so it is sent Accepts. */
    boolean acceptor;
    /**
     * The slot of the chosen configuration that no longer counts it, 0 while it is a member. Until it
     * has learnt that slot it is still sent heartbeats and chosen values (never Accepts), or, not
     * knowing it was removed, it would campaign until shut down.
     */
    long removedIn;
    /** Its known-chosen prefix, as it last reported (it goes back when the member restarts). */
    long commit;
    /** When it last answered an Accept (to notice lost Accepts or answers). */
    long lastAckTick;
    /** The latest heartbeat round it answered. */
    long ackedSeq;
    /**
     * Whether its latest answer to a heartbeat round reported every slot the round said was chosen. A
     * member that started empty rejoins exactly then (it may promise from then on), not when a Learn
     * brought it up to date.
     */
    boolean caughtUpAtHeartbeat;
    long learnSentTick = PaxosCore.NEVER;
    long learnSentThrough;
    long snapshotTick = PaxosCore.NEVER;

    Peer(String id, long nextSlot, long now) {
        this.id = id;
        this.progress = new Progress(id, nextSlot, PaxosCore.MAX_INFLIGHT_MESSAGES);
        this.lastAckTick = now;
    }

    @Override
    public String toString() {
        return progress + "{commit=" + commit + (acceptor ? "" : ", learner") + "}";
    }
}
