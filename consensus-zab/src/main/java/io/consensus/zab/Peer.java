package io.consensus.zab;

import io.consensus.core.protocol.Progress;
import io.consensus.zab.ZabMessage.History;

/**
 * What a leader knows of one connected follower or observer (ZooKeeper's {@code LearnerHandler}):
 * where it is in phases 1 and 2, how it is synchronized, and its replication progress.
 */
final class Peer {

    /** The follower's way through discovery and synchronization, as the leader sees it. */
    enum Phase {
        /** FOLLOWERINFO received; NEWEPOCH sent once the epoch is chosen. */
        CONNECTED,
        /** ACKEPOCH received; synchronization starts once a quorum acknowledged the epoch. */
        EPOCH_ACKED,
        /** DIFF/TRUNC/SNAP sent, transactions and NEWLEADER following. */
        SYNCING,
        /** NEWLEADER acknowledged: its current epoch is ours and its acknowledgements count. */
        SYNCED
    }

    final String id;
    /** A fresh member not yet brought up to date: its acknowledgements never count in this epoch. */
    final boolean fresh;
    final long acceptedEpoch;
    Phase phase = Phase.CONNECTED;
    long currentEpoch;
    /** Whether its ACKEPOCH counts towards the discovery quorum (see {@link ZabMessage.AckEpoch#counted}). */
    boolean epochAckCounted;
    History history;
    Histories.Mode mode;
    Progress progress;
    /** The highest index sent in this synchronization (NEWLEADER follows once it covers the initial history). */
    long sentUpTo = -1;
    /** The matching position from the plan, whose epoch the leader may no longer hold (compacted). */
    long hintIndex = -1;
    long hintEra = -1;
    boolean newLeaderSent;
    /** SNAP chosen: no transactions are sent until it reports the snapshot installed. */
    boolean snapshotPending;
    /** The follower confirmed it needs the snapshot, so the runtime was asked to stream it. */
    boolean snapshotStreaming;
    boolean ackedSinceHeartbeat;
    long lastContactTick;
    private boolean recentlyActive;
    /** The highest PING round it answered (reads and leases). */
    long ackedRound;

    Peer(String id, boolean fresh, long acceptedEpoch, long tick) {
        this.id = id;
        this.fresh = fresh;
        this.acceptedEpoch = acceptedEpoch;
        contact(tick);
    }

    void contact(long tick) {
        lastContactTick = tick;
        recentlyActive = true;
    }

    /** Reads and clears whether it was heard from since the last check (CheckQuorum). */
    boolean takeRecentlyActive() {
        boolean active = recentlyActive;
        recentlyActive = false;
        return active;
    }

    /** Whether it acknowledged the epoch (so it still follows us in it). */
    boolean inEpoch() {
        return phase != Phase.CONNECTED;
    }

    @Override
    public String toString() {
        return id + "{" + phase + (fresh ? " fresh" : "") + (mode != null ? " " + mode : "")
                + (progress != null ? " " + progress : "") + (snapshotPending ? " snap" : "") + "}";
    }
}
