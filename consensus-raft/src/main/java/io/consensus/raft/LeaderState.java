package io.consensus.raft;

import io.consensus.api.FollowerProgress;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.RejectedException.Reason;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.core.protocol.Quorum;
import io.consensus.raft.RaftMessage.AppendEntries;
import io.consensus.raft.RaftMessage.AppendResponse;
import io.consensus.raft.RaftMessage.Heartbeat;
import io.consensus.raft.RaftMessage.HeartbeatResponse;
import io.consensus.raft.RaftMessage.SnapshotAck;
import io.consensus.raft.RaftMessage.TimeoutNow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a leader keeps for one term: per-member progress and pipelined replication (paper §5.3,
 * thesis §10.2), commitment by counting only in the current term (§5.4.2), heartbeats, CheckQuorum
 * (thesis §6.2), leadership transfer (thesis §3.10), and its reads and membership changes.
 */
final class LeaderState {

    private final RaftCore core;
    final ReadIndexTracker reads;
    final MembershipChanges changes;
    private final TreeMap<String, Peer> peers = new TreeMap<>();
    /** The index of this term's first entry (its no-op). */
    final long termStartIndex;
    /** Whether an entry of this term is committed, so the commit index is known (thesis §6.4). */
    private boolean established;
    private boolean appendsPending;
    private int heartbeatElapsed;
    private int checkQuorumElapsed;
    private Transfer transfer;
    /** Once a TimeoutNow is sent, voters may elect the target at once: no more lease reads this term. */
    private boolean leaseRevoked;
    private boolean removedSelf;
    /** When a client last asked something of this leader (proposal, read, change, transfer). */
    private long lastRequestTick;

    private record Transfer(long requestId, String target, long startTick) {}

    LeaderState(RaftCore core) {
        this.core = core;
        this.termStartIndex = core.log.lastIndex() + 1;
        this.reads = new ReadIndexTracker(core, this);
        this.changes = new MembershipChanges(core, this);
    }

    void start() {
        lastRequestTick = core.now;
        addPeers(core.membership(), core.log.lastIndex() + 1);
        if (core.faults.skipNoop()) {
            established = true;
        } else {
            append(EntryKind.NOOP, null); // paper §8: commit an entry of the new term at once
        }
        appendsPending = true;
    }

    // ---- appending and replicating -----------------------------------------------------------

    /** Appends a new entry of this term and schedules it for replication; returns its index. */
    long append(EntryKind kind, byte[] payload) {
        LogEntry entry = new LogEntry(core.log.lastIndex() + 1, core.term, kind, payload);
        core.log.put(entry);
        core.configs.appended(entry);
        if (kind == EntryKind.CONFIG) {
            addPeers(core.membership(), entry.index()); // new members start probing at this entry
        }
        appendsPending = true;
        maybeCommit(); // counts itself only as far as durable, unless a fault says otherwise
        return entry.index();
    }

    boolean acceptsProposals() {
        return established && transfer == null;
    }

    boolean established() {
        return established;
    }

    /** Sends what accumulated during this step: new entries to every member, and read rounds. */
    void flush() {
        if (appendsPending) {
            appendsPending = false;
            for (Peer peer : peers.values()) {
                sendAppends(peer);
            }
        }
        reads.flush();
    }

    private void sendAppends(Peer peer) {
        while (peer.progress.canSend() && sendAppend(peer, false)) {
            // fill the window (thesis §10.2.2)
        }
    }

    /** Sends one batch from the member's next index; false if there was nothing to send. */
    private boolean sendAppend(Peer peer, boolean probeEvenIfEmpty) {
        long next = peer.progress.nextIndex();
        long prevIndex = next - 1;
        long prevTerm = core.log.eraAt(prevIndex);
        if (prevTerm < 0 || next < core.log.firstIndex()) {
            needsSnapshot(peer); // the entries it needs were compacted (paper §7)
            return false;
        }
        long last = core.log.lastIndex();
        // While a snapshot streams, only empty probes at its end go out: they tell when it is installed.
        List<LogEntry> entries = next <= last && !peer.awaitingSnapshot
                ? core.log.entries(next, last + 1, RaftCore.MAX_BATCH_BYTES) : List.of();
        if (entries.isEmpty() && !probeEvenIfEmpty) {
            return false;
        }
        core.out.send(peer.id, new AppendEntries(core.term, prevIndex, prevTerm, entries, core.commitIndex));
        peer.progress.sent(prevIndex + entries.size());
        return true;
    }

    /**
     * Asks the runtime to stream the snapshot, at most once per election timeout, and waits for the
     * member at the snapshot's end.
     */
    private void needsSnapshot(Peer peer) {
        Optional<SnapshotMeta> snapshot = core.log.latestSnapshot();
        if (snapshot.isEmpty()) {
            throw new IllegalStateException("entries below " + core.log.firstIndex() + " are gone but no snapshot exists");
        }
        peer.awaitingSnapshot = true;
        if (core.now - peer.snapshotRequestTick >= core.electionTicks) {
            peer.snapshotRequestTick = core.now;
            core.out.sendSnapshot(peer.id);
        }
        peer.progress.rejected(snapshot.get().index() + 1, core.now);
    }

    void onResponse(String from, RaftMessage message) {
        Peer peer = peers.get(from);
        if (peer == null) {
            return;
        }
        if (message instanceof SnapshotAck ack) {
            onSnapshotAck(peer, ack); // the snapshot holds committed state only: valid in any term
        } else if (message.term() < core.term) {
            return; // from an earlier term of ours: stale
        } else if (message instanceof AppendResponse response) {
            if (response.success()) {
                onAppendSuccess(peer, response);
            } else {
                onAppendRejected(peer, response);
            }
        } else if (message instanceof HeartbeatResponse response) {
            onHeartbeatResponse(peer, response);
        }
    }

    private void onAppendSuccess(Peer peer, AppendResponse response) {
        if (response.index() > core.log.lastIndex()) {
            return; // cannot be ours
        }
        boolean advanced = peer.progress.acknowledged(response.index(), core.now);
        if (advanced) {
            peer.lastAppendAckTick = core.now;
        }
        if (peer.awaitingSnapshot && peer.progress.nextIndex() >= core.log.firstIndex()) {
            peer.awaitingSnapshot = false;
        }
        if (advanced) {
            maybeCommit();
            maybeSendTimeoutNow(peer);
        }
        sendAppends(peer);
    }

    private void onAppendRejected(Peer peer, AppendResponse response) {
        long rejectedPrev = response.index();
        if (rejectedPrev < peer.progress.matchIndex()
                || (peer.progress.probing() && rejectedPrev != peer.progress.nextIndex() - 1)) {
            return; // a late answer to an earlier batch
        }
        long next = response.conflictIndex();
        if (response.conflictTerm() > 0) {
            // Skip the follower's whole conflicting term; if this log has that term, resume after its
            // last entry of it (thesis §5.3 / etcd raft's findConflictByTerm).
            long index = Math.min(rejectedPrev, core.log.lastIndex());
            long floor = Math.max(peer.progress.matchIndex(), core.log.firstIndex() - 1);
            while (index > floor && core.log.eraAt(index) > response.conflictTerm()) {
                index--;
            }
            if (core.log.eraAt(index) == response.conflictTerm()) {
                next = index + 1;
            }
        }
        next = Math.max(1, Math.min(next, rejectedPrev)); // always step back: no loop
        peer.progress.rejected(next, core.now);
        sendAppend(peer, true);
    }

    private void onHeartbeatResponse(Peer peer, HeartbeatResponse response) {
        peer.progress.markContact(core.now);
        peer.ackedSeq = Math.max(peer.ackedSeq, response.seq());
        reads.onAcknowledged();
        if (peer.progress.matchIndex() < core.log.lastIndex() || peer.awaitingSnapshot) {
            // A batch or its answer may be lost (and a duplicated answer may have freed its window slot):
            // if nothing advanced for two heartbeats, resend from the last acknowledged index.
            long quiet = core.now - Math.max(peer.lastAppendAckTick, peer.lastResendTick);
            boolean outstanding = peer.progress.inflight() > 0
                    || peer.progress.nextIndex() > peer.progress.matchIndex() + 1;
            if (outstanding && quiet >= 2L * core.heartbeatTicks) {
                peer.progress.resetInflight();
                peer.lastResendTick = core.now;
            }
            if (!peer.progress.probing()) {
                sendAppends(peer);
            } else if (peer.progress.inflight() == 0) {
                sendAppend(peer, true);
            }
        }
        maybeSendTimeoutNow(peer);
    }

    private void onSnapshotAck(Peer peer, SnapshotAck ack) {
        peer.awaitingSnapshot = false;
        peer.lastAppendAckTick = core.now;
        if (ack.index() <= core.log.lastIndex() && peer.progress.acknowledged(ack.index(), core.now)) {
            maybeCommit();
        }
        sendAppends(peer);
    }

    /**
     * Commits the highest index a quorum stores, only if it is of this term (paper §5.4.2, Figure 8).
     * The leader counts itself only up to what it made durable (thesis §10.2.1).
     */
    void maybeCommit() {
        long selfMatch = core.faults.acknowledgeBeforePersist() ? core.log.lastIndex()
                : Math.min(core.durableIndex, core.log.lastIndex());
        long quorumIndex = Quorum.committed(core.membership(),
                id -> id.equals(core.self) ? selfMatch : matchOf(id));
        if (quorumIndex <= core.commitIndex || quorumIndex > core.log.lastIndex()) {
            return;
        }
        if (!core.faults.skipFigure8Rule() && core.log.eraAt(quorumIndex) != core.term) {
            return;
        }
        core.advanceCommit(quorumIndex);
    }

    private long matchOf(String id) {
        Peer peer = peers.get(id);
        return peer == null ? 0 : peer.progress.matchIndex();
    }

    /** The commit index moved past {@code before}. */
    void onCommitted(long before) {
        if (!established && core.commitIndex >= termStartIndex) {
            established = true; // waiting reads start their round at the next flush
        }
        if (changes.onCommitted()) {
            removedSelf = true;
        }
    }

    boolean removedSelf() {
        return removedSelf;
    }

    // ---- timers --------------------------------------------------------------------------------

    void tick() {
        if (++heartbeatElapsed >= core.heartbeatTicks) {
            heartbeatElapsed = 0;
            if (mayQuiesce()) {
                quiesce();
                return;
            }
            broadcastHeartbeat(reads.startRound());
        }
        if (++checkQuorumElapsed >= core.electionTicks) {
            checkQuorumElapsed = 0;
            if (!quorumActive()) {
                core.becomeFollower(core.term, null); // CheckQuorum (thesis §6.2)
                return;
            }
        }
        if (transfer != null && core.now - transfer.startTick >= core.electionTicks) {
            core.out.outcome(RequestOutcome.failed(transfer.requestId, Reason.INVALID, "leadership transfer to "
                    + transfer.target + " did not complete within an election timeout; " + core.self + " resumes"));
            transfer = null;
        }
    }

    void broadcastHeartbeat(long seq) {
        for (Peer peer : peers.values()) {
            long commit = Math.min(peer.progress.matchIndex(), core.commitIndex);
            core.out.send(peer.id, new Heartbeat(core.term, commit, seq));
        }
        reads.onAcknowledged(); // a leader alone is its own quorum
    }

    /** A client asked something: the group is in use, so it stays awake for an election timeout. */
    void requested() {
        lastRequestTick = core.now;
    }

    /**
     * Whether the group may go quiescent: no client asked anything for an election timeout, nothing is
     * in flight, and every member holds the whole log, all of it committed and durable here.
     */
    private boolean mayQuiesce() {
        long last = core.log.lastIndex();
        if (!core.context.config().quiesce() || core.now - lastRequestTick < core.electionTicks || !established || transfer != null || removedSelf
                || appendsPending || !reads.idle() || !changes.idle() || core.commitIndex != last
                || core.durableIndex < last) {
            return false;
        }
        for (Peer peer : peers.values()) {
            // Every member answered the last heartbeat (a late answer would only wake the leader again) and
            // was heard from within two heartbeats: a leader cut off keeps heartbeating, so CheckQuorum still
            // finds out, and a member that is down keeps the group awake until it is back or removed.
            if (peer.awaitingSnapshot || peer.progress.matchIndex() != last || peer.progress.inflight() > 0
                    || peer.ackedSeq < reads.lastSeq()
                    || core.now - peer.progress.lastContactTick() > 2L * core.heartbeatTicks) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells every member to stop ticking, and stops: no heartbeats until the next input. The lease
     * ends (time stands still for a quiescent core), and CheckQuorum counts afresh once awake.
     */
    private void quiesce() {
        for (Peer peer : peers.values()) {
            core.out.send(peer.id, new RaftMessage.Quiesce(core.term, core.commitIndex));
        }
        reads.dropLease();
        checkQuorumElapsed = 0;
        core.quiescent = true;
    }

    private boolean quorumActive() {
        Set<String> active = new HashSet<>();
        active.add(core.self);
        for (Peer peer : peers.values()) {
            if (peer.progress.takeRecentlyActive()) {
                active.add(peer.id);
            }
        }
        return Quorum.isQuorum(core.membership(), active);
    }

    // ---- leadership transfer (thesis §3.10) ---------------------------------------------------

    void transfer(long requestId, String target) {
        if (target.equals(core.self)) {
            core.out.outcome(RequestOutcome.ok(requestId));
            return;
        }
        if (transfer != null) {
            core.out.outcome(RequestOutcome.failed(requestId, Reason.INVALID, "a transfer to " + transfer.target
                    + " is in progress"));
            return;
        }
        Peer peer = peers.get(target);
        if (peer == null || !core.membership().isVoter(target)) {
            core.out.outcome(RequestOutcome.failed(requestId, Reason.INVALID, target + " is not a voter"));
            return;
        }
        transfer = new Transfer(requestId, target, core.now);
        if (!maybeSendTimeoutNow(peer)) {
            sendAppends(peer); // catch it up first; proposals are refused meanwhile
        }
    }

    private boolean maybeSendTimeoutNow(Peer peer) {
        if (transfer == null || !transfer.target.equals(peer.id) || peer.progress.matchIndex() != core.log.lastIndex()) {
            return false;
        }
        leaseRevoked = true;
        core.out.send(peer.id, new TimeoutNow(core.term));
        return true;
    }

    boolean leaseUsable() {
        return established && transfer == null && !leaseRevoked;
    }

    /** A member with a higher term appeared: if it is the transfer target, the transfer worked. */
    void supersededBy(String from) {
        if (transfer != null && transfer.target.equals(from)) {
            core.out.outcome(RequestOutcome.ok(transfer.requestId));
            transfer = null;
        }
    }

    /** This leadership ended: reads and a transfer fail; a pending membership change is abandoned. */
    void stepDown() {
        String detail = core.self + " is no longer the leader";
        reads.failAll(detail);
        changes.abandonPending();
        if (transfer != null) {
            core.out.outcome(RequestOutcome.failed(transfer.requestId, Reason.NO_LEADER, detail));
            transfer = null;
        }
    }

    // ---- peers ---------------------------------------------------------------------------------

    private void addPeers(Membership membership, long nextIndex) {
        for (Member member : membership.all()) {
            if (!member.id().equals(core.self) && !peers.containsKey(member.id())) {
                peers.put(member.id(), new Peer(member.id(), nextIndex, RaftCore.MAX_INFLIGHT, core.now));
            }
        }
    }

    /** Stops replicating to members a committed configuration no longer has. */
    void prunePeers(Membership membership) {
        peers.keySet().removeIf(id -> membership.member(id).isEmpty());
    }

    Peer peer(String id) {
        return peers.get(id);
    }

    Iterable<Peer> peers() {
        return peers.values();
    }

    List<FollowerProgress> progress(long tickMs) {
        List<FollowerProgress> result = new ArrayList<>();
        long last = core.log.lastIndex();
        for (Peer peer : peers.values()) {
            long match = peer.progress.matchIndex();
            result.add(new FollowerProgress(peer.id, match, last - match,
                    (core.now - peer.progress.lastContactTick()) * tickMs));
        }
        return result;
    }

    @Override
    public String toString() {
        return "peers=" + peers.values();
    }
}
