package io.consensus.paxos;

import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException.Reason;
import io.consensus.api.spi.RequestOutcome;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Linearizable and lease reads on the leader, and the heartbeat rounds that confirm them.
 *
 * <p>A read is served only once the leader is established: every value its phase 1 recovered has
 * been chosen, so its known-chosen prefix covers everything chosen before it led. A LINEARIZABLE read
 * takes that prefix as its index and waits for a heartbeat round, sent after the read arrived, that a
 * quorum acknowledged while still following this ballot (no later leader can have chosen anything by
 * then). A LEASE read skips the round while {@code now - sent < lease}, where {@code sent} is when the
 * last acknowledged round was sent and {@code lease = floor(T (1 - drift)) - 2} ticks: every acceptor
 * that acknowledged refuses other candidates for {@code T} of its ticks after receiving it. With
 * lease reads off ({@link PaxosProtocol}) a LEASE read takes the round too.
 */
final class LeaderReads {

    /** Rounds kept for late acknowledgements. */
    private static final int MAX_ROUNDS = 64;

    private final PaxosCore core;
    private final Leader leader;
    private long seq;
    private long leaseStartTick = PaxosCore.NEVER;
    private final TreeMap<Long, Round> rounds = new TreeMap<>();
    /** Reads that arrived before the leader was established. */
    private final List<Waiting> waiting = new ArrayList<>();
    /** LINEARIZABLE reads (id, index) waiting for the next round. */
    private final List<long[]> unassigned = new ArrayList<>();

    private record Waiting(long readId, ReadConsistency consistency) {}

    private static final class Round {
        final long sentTick;
        final long commit;
        final Set<String> acks = new TreeSet<>();
        final List<long[]> reads = new ArrayList<>();
        boolean confirmed;

        Round(long sentTick, long commit) {
            this.sentTick = sentTick;
            this.commit = commit;
        }
    }

    LeaderReads(PaxosCore core, Leader leader) {
        this.core = core;
        this.leader = leader;
    }

    /** Whether every value the leader's phase 1 recovered is chosen (Paxos Made Simple §3). */
    boolean established() {
        return core.commitIndex >= leader.recoveryEnd;
    }

    long leaseTicks() {
        if (core.faults.leaseWithoutDriftMargin()) {
            return core.electionTicks;
        }
        return (long) Math.floor(core.electionTicks * (1 - core.context.config().leaseDriftBound())) - 2;
    }

    boolean leaseValid() {
        return core.leaseReads && established() && !leader.requests.everSentTimeoutNow && core.now - leaseStartTick < leaseTicks();
    }

    void read(long readId, ReadConsistency consistency) {
        if (!established()) {
            waiting.add(new Waiting(readId, consistency));
        } else if (consistency == ReadConsistency.LEASE && leaseValid()) {
            core.out.grantRead(readId, core.commitIndex);
        } else {
            unassigned.add(new long[] {readId, core.commitIndex});
        }
    }

    /** End of a step: start the reads that became possible; reads of one step share one round. */
    void flush() {
        if (!waiting.isEmpty() && established()) {
            List<Waiting> ready = new ArrayList<>(waiting);
            waiting.clear();
            ready.forEach(w -> read(w.readId(), w.consistency()));
        }
        if (!unassigned.isEmpty()) {
            broadcast();
        }
    }

    /** Sends a heartbeat round carrying the reads that wait for one. */
    void broadcast() {
        seq++;
        Round round = new Round(core.now, core.commitIndex);
        round.reads.addAll(unassigned);
        unassigned.clear();
        // Reads of a round that got no quorum within two heartbeats ride this one instead.
        for (Round old : rounds.values()) {
            if (!old.confirmed && !old.reads.isEmpty() && core.now - old.sentTick >= 2L * core.heartbeatTicks) {
                round.reads.addAll(old.reads);
                old.reads.clear();
            }
        }
        rounds.put(seq, round);
        while (rounds.size() > MAX_ROUNDS) {
            Round dropped = rounds.pollFirstEntry().getValue();
            round.reads.addAll(dropped.reads);
        }
        leader.sendHeartbeats(seq);
        check(seq, round);
    }

    /** The commit index sent in round {@code s}, or -1 if it is forgotten. */
    long commitOfRound(long s) {
        Round round = rounds.get(s);
        return round == null ? -1 : round.commit;
    }

    void onAck(String from, long s) {
        Round round = rounds.get(s);
        if (round != null) {
            round.acks.add(from);
            check(s, round);
        }
    }

    private void check(long s, Round round) {
        if (round.confirmed) {
            return;
        }
        Set<String> voters = new TreeSet<>(round.acks);
        voters.add(core.self);
        if (!leader.confirmedBy(voters)) {
            return;
        }
        round.confirmed = true;
        leaseStartTick = Math.max(leaseStartTick, round.sentTick);
        // A round confirms this leadership after every read attached to it or to an earlier round.
        for (Map.Entry<Long, Round> e : rounds.headMap(s, true).entrySet()) {
            for (long[] read : e.getValue().reads) {
                core.out.grantRead(read[0], read[1]);
            }
            e.getValue().reads.clear();
        }
    }

    /** Whether no read waits for the leader to be established, for a round, or in one. */
    boolean idle() {
        return waiting.isEmpty() && unassigned.isEmpty() && rounds.values().stream().allMatch(r -> r.reads.isEmpty());
    }

    /** The last heartbeat round sent. */
    long lastSeq() {
        return seq;
    }

    /**
     * The leader quiesces, and its sense of time stops until it wakes: the lease ends here, and the
     * rounds sent so far are forgotten, so an answer to one can never renew the lease, however late
     * it arrives (its send tick would look recent to a clock that stood still).
     */
    void dropLease() {
        leaseStartTick = PaxosCore.NEVER;
        rounds.clear();
    }

    /** Leadership ended: every pending read fails (the runtime may retry it at the new leader). */
    void failAll(String detail) {
        List<Long> ids = new ArrayList<>();
        waiting.forEach(w -> ids.add(w.readId()));
        unassigned.forEach(r -> ids.add(r[0]));
        for (Iterator<Round> it = rounds.values().iterator(); it.hasNext(); ) {
            it.next().reads.forEach(r -> ids.add(r[0]));
        }
        waiting.clear();
        unassigned.clear();
        rounds.clear();
        for (long id : ids) {
            core.out.outcome(RequestOutcome.failed(id, Reason.NO_LEADER, detail));
        }
    }
}
