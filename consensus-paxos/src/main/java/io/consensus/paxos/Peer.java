package io.consensus.paxos;

import io.consensus.core.protocol.Progress;

/** What a leader tracks of one other member. */
final class Peer {

    final String id;
    /** Accept messages in flight and the slot to send next ({@link Progress} of consensus-core). */
    final Progress progress;
    /** Whether it votes in a configuration the leader proposes in, so it is sent Accepts. */
    boolean acceptor;
    /** Its known-chosen prefix, as it last reported (it goes back when the member restarts). */
    long commit;
    /** When it last answered an Accept (to notice lost Accepts or answers). */
    long lastAckTick;
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
