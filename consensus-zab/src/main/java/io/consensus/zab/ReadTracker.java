package io.consensus.zab;

import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException.Reason;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.core.protocol.Quorum;
import io.consensus.zab.ZabMessage.Ping;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * Reads on an established leader. LINEARIZABLE: the read position is the commit index when the read
 * arrives; the leader then confirms with a quorum round of PINGs that no newer epoch was established
 * (a follower answers only while it still has our epoch as its accepted one), exactly Raft's
 * ReadIndex, and grants the read once confirmed. ZooKeeper's sync-then-read is not used: a deposed
 * leader can still answer a sync. LEASE: served at once while a quorum confirmed a round recently
 * enough; followers acknowledge no new epoch for an election timeout after hearing from us (see
 * {@link ZabCore#leaseContactTick}), so the lease lasts that long minus the clock drift bound. Leases
 * are counted in ticks: they rely on the runtime handing the core every tick a stall owes before a
 * read. With {@link ZabCore#leaseReads} off, and after this leader asked another to take over, LEASE
 * reads take the quorum round too.
 */
final class ReadTracker {

    private record PendingRead(long readId, long index, long round) {}

    private final ZabCore core;
    private final Leader leader;
    private final List<PendingRead> pending = new ArrayList<>();
    /** When each unconfirmed round was sent. */
    private final TreeMap<Long, Long> sentTick = new TreeMap<>();
    private long nextRound = 1;
    private boolean roundNeeded;
    private long leaseUntilTick = ZabCore.NEVER;
    /** This leader asked another member to take over: followers may acknowledge a new epoch at once. */
    private boolean leaseRevoked;

    ReadTracker(ZabCore core, Leader leader) {
        this.core = core;
        this.leader = leader;
    }

    void read(long readId, ReadConsistency consistency) {
        if (!leader.established()) {
            core.out.outcome(RequestOutcome.failed(readId, Reason.NO_LEADER, "leadership of " + core.self
                    + " is not established yet"));
            return;
        }
        if (consistency == ReadConsistency.LEASE && core.leaseReads && !leaseRevoked && core.now < leaseUntilTick) {
            core.out.grantRead(readId, core.commitIndex);
            return;
        }
        if (core.faults.serveReadWithoutQuorumRound()) {
            core.out.grantRead(readId, core.commitIndex); // the sync-then-read flaw
            return;
        }
        pending.add(new PendingRead(readId, core.commitIndex, nextRound));
        roundNeeded = true;
        confirm();
    }

    /** Starts a round for waiting reads (once per Ready, however many reads arrived). */
    void flush() {
        if (roundNeeded) {
            startRound();
        }
    }

    /** Every heartbeat is a round too: it keeps the lease fresh. */
    void heartbeat() {
        startRound();
    }

    private void startRound() {
        roundNeeded = false;
        long round = nextRound++;
        sentTick.put(round, core.now);
        while (sentTick.size() > 64) {
            sentTick.pollFirstEntry();
        }
        for (Peer peer : leader.peers.values()) {
            if (peer.inEpoch()) {
                core.out.send(peer.id, new Ping(leader.epoch, core.commitIndex, round));
            }
        }
        confirm();
    }

    void onPingAck() {
        confirm();
    }

    /** Grants reads whose round a quorum confirmed, and extends the lease. */
    private void confirm() {
        long sentMax = nextRound - 1;
        long confirmed = Math.min(sentMax, Quorum.committed(core.membership(), id -> {
            if (id.equals(core.self)) {
                return sentMax;
            }
            Peer peer = leader.peers.get(id);
            return peer != null && leader.counts(peer) && peer.inEpoch() ? peer.ackedRound : 0;
        }));
        for (Iterator<PendingRead> it = pending.iterator(); it.hasNext(); ) {
            PendingRead read = it.next();
            if (read.round() <= confirmed) {
                core.out.grantRead(read.readId(), read.index());
                it.remove();
            }
        }
        Long sent = sentTick.get(confirmed);
        if (sent != null && leader.established()) {
            leaseUntilTick = Math.max(leaseUntilTick, sent + leaseTicks());
        }
        sentTick.headMap(confirmed, false).clear();
    }

    /**
     * How long after a confirmed round was sent the lease holds: followers wait an election timeout
     * (counted from when they received it, at least one tick less) before acknowledging another
     * epoch, on clocks that may run faster than ours by the drift bound; one more tick for rounding.
     */
    long leaseTicks() {
        if (core.faults.leaseWithoutDriftMargin()) {
            return core.electionTicks;
        }
        double drift = core.context.config().leaseDriftBound();
        return (long) Math.floor((core.electionTicks - 1) * (1 - drift)) - 1;
    }

    /** For the rest of this leadership: a TAKEOVER, even a delayed one, lets voters skip their lease wait. */
    void revokeLease() {
        leaseRevoked = true;
    }

    /** Whether no read waits for a round or is in one. */
    boolean idle() {
        return pending.isEmpty() && !roundNeeded;
    }

    /** The last round started (0 before the first). */
    long lastRound() {
        return nextRound - 1;
    }

    /**
     * The leader quiesces, and its sense of time stops until it wakes: the lease ends here, and answers
     * to rounds sent before can never renew it, however late they arrive (their send ticks are
     * forgotten, and a confirmed round without one extends nothing).
     */
    void dropLease() {
        leaseUntilTick = ZabCore.NEVER;
        sentTick.clear();
    }

    void failAll(String reason) {
        for (PendingRead read : pending) {
            core.out.outcome(RequestOutcome.failed(read.readId(), Reason.NO_LEADER, core.self + " stopped leading: " + reason));
        }
        pending.clear();
        leaseUntilTick = ZabCore.NEVER;
    }
}
