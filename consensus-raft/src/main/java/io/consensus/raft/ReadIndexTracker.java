package io.consensus.raft;

import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException.Reason;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.core.protocol.Quorum;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Linearizable reads without writing to the log (thesis §6.4): ReadIndex confirms leadership with a
 * heartbeat round a quorum acknowledges, then grants at the commit index the read saw. Lease reads
 * (§6.4.1) skip the round while the last quorum-acknowledged round was sent less than
 * {@code T * (1 - driftBound)} ticks ago, less two ticks for the rounding of tick counts on both sides.
 */
final class ReadIndexTracker {

    private static final long UNKNOWN_INDEX = -1;

    private final RaftCore core;
    private final LeaderState leader;
    private final long leaseTicks;
    /** Heartbeat rounds started and not yet acknowledged by a quorum: seq to the tick it was sent. */
    private final TreeMap<Long, Long> roundSentTick = new TreeMap<>();
    private long lastSeq;
    private long quorumSeq;
    private long leaseFromTick = RaftCore.NEVER;
    /** Reads not yet in a round: readId and index (UNKNOWN_INDEX until the leadership is established). */
    private final List<long[]> waiting = new ArrayList<>();
    /** Reads in a round: readId, index, seq. */
    private final ArrayDeque<long[]> inRound = new ArrayDeque<>();

    ReadIndexTracker(RaftCore core, LeaderState leader) {
        this.core = core;
        this.leader = leader;
        double drift = core.context.config().leaseDriftBound();
        this.leaseTicks = core.faults.leaseWithoutDriftMargin() ? core.electionTicks
                : Math.max(0, (long) Math.floor(core.electionTicks * (1 - drift)) - 2);
    }

    void read(long readId, ReadConsistency consistency) {
        if (consistency == ReadConsistency.LEASE && leaseValid()) {
            core.out.grantRead(readId, core.commitIndex);
            return;
        }
        // ReadIndex: only once an entry of this term is committed is the commit index known (§6.4 step 1).
        waiting.add(new long[] {readId, leader.established() ? core.commitIndex : UNKNOWN_INDEX});
    }

    /** Whether a lease read may be served now without a round. */
    boolean leaseValid() {
        return leader.leaseUsable() && leaseFromTick != RaftCore.NEVER && core.now - leaseFromTick < leaseTicks;
    }

    /**
     * Starts one round for every waiting read, at the end of a step so reads batch. Reads that came
     * before the leadership was established take the commit index it has then.
     */
    void flush() {
        if (waiting.isEmpty() || !leader.established()) {
            return;
        }
        long seq = startRound();
        for (long[] read : waiting) {
            long index = read[1] == UNKNOWN_INDEX ? core.commitIndex : read[1];
            inRound.add(new long[] {read[0], index, seq});
        }
        waiting.clear();
        leader.broadcastHeartbeat(seq);
    }

    long startRound() {
        lastSeq++;
        roundSentTick.put(lastSeq, core.now);
        return lastSeq;
    }

    /** A heartbeat answer arrived: see which round a quorum has now acknowledged. */
    void onAcknowledged() {
        long seq = Quorum.committed(core.membership(), id -> {
            if (id.equals(core.self)) {
                return lastSeq;
            }
            Peer peer = leader.peer(id);
            return peer == null ? 0 : peer.ackedSeq;
        });
        if (seq <= quorumSeq || seq > lastSeq) {
            return;
        }
        quorumSeq = seq;
        Long sent = roundSentTick.floorEntry(seq) != null ? roundSentTick.floorEntry(seq).getValue() : null;
        if (sent != null) {
            leaseFromTick = Math.max(leaseFromTick, sent); // the lease runs from when the round was SENT
        }
        roundSentTick.headMap(seq, true).clear();
        while (!inRound.isEmpty() && inRound.peekFirst()[2] <= quorumSeq) {
            long[] read = inRound.pollFirst();
            core.out.grantRead(read[0], read[1]);
        }
    }

    /** Whether no read waits for a round or is in one. */
    boolean idle() {
        return waiting.isEmpty() && inRound.isEmpty();
    }

    /**
     * The leader quiesces, and its sense of time stops until it wakes: the lease ends here, and answers
     * to rounds sent before can never renew it, however late they arrive.
     */
    void dropLease() {
        leaseFromTick = RaftCore.NEVER;
        roundSentTick.clear();
        quorumSeq = lastSeq;
    }

    /** The last heartbeat round started. */
    long lastSeq() {
        return lastSeq;
    }

    void failAll(String detail) {
        for (long[] read : waiting) {
            core.out.outcome(RequestOutcome.failed(read[0], Reason.NO_LEADER, detail));
        }
        for (long[] read : inRound) {
            core.out.outcome(RequestOutcome.failed(read[0], Reason.NO_LEADER, detail));
        }
        waiting.clear();
        inRound.clear();
    }

    long leaseTicks() {
        return leaseTicks;
    }
}
