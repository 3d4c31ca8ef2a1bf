package io.consensus.raft;

import io.consensus.core.protocol.Progress;

/** What a leader tracks of one other member: replication progress plus Raft's own bookkeeping. */
final class Peer {

    static final long NEVER = Long.MIN_VALUE / 4;

    final String id;
    final Progress progress;
    /** When an AppendEntries was last acknowledged (stall detection). */
    long lastAppendAckTick;
    /** When in-flight batches were last given up on and resent. */
    long lastResendTick = NEVER;
    /** Whether the member needs the snapshot before it can take entries. */
    boolean awaitingSnapshot;
    /** When the snapshot was last requested for it (at most once per election timeout). */
    long snapshotRequestTick = NEVER;
    /** The highest heartbeat round it acknowledged in this term (ReadIndex, lease). */
    long ackedSeq;

    Peer(String id, long nextIndex, int maxInflight, long nowTick) {
        this.id = id;
        this.progress = new Progress(id, nextIndex, maxInflight);
        this.lastAppendAckTick = nowTick;
    }

    @Override
    public String toString() {
        return progress + (awaitingSnapshot ? "(snapshot)" : "") + " seq=" + ackedSeq;
    }
}
