package io.consensus.zab;

import io.consensus.api.FollowerProgress;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.RejectedException.Reason;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.core.protocol.Progress;
import io.consensus.core.protocol.Quorum;
import io.consensus.zab.ZabMessage.Ack;
import io.consensus.zab.ZabMessage.AckEpoch;
import io.consensus.zab.ZabMessage.Commit;
import io.consensus.zab.ZabMessage.Diff;
import io.consensus.zab.ZabMessage.FollowerInfo;
import io.consensus.zab.ZabMessage.History;
import io.consensus.zab.ZabMessage.NewEpoch;
import io.consensus.zab.ZabMessage.NewLeader;
import io.consensus.zab.ZabMessage.PingAck;
import io.consensus.zab.ZabMessage.Proposal;
import io.consensus.zab.ZabMessage.Quiesce;
import io.consensus.zab.ZabMessage.Resync;
import io.consensus.zab.ZabMessage.Snap;
import io.consensus.zab.ZabMessage.TakingOver;
import io.consensus.zab.ZabMessage.Trunc;
import io.consensus.zab.ZabMessage.UpToDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A prospective, then established, leader of one epoch (paper §IV; ZooKeeper's {@code Leader}).
 * Discovery: a quorum of FOLLOWERINFO fixes an epoch above every accepted one; a quorum of ACKEPOCH
 * (none more recent than ours, else we give up) ends it. Synchronization: the epoch's first
 * transaction (a NOOP, zxid (e, 0)) closes the initial history; each follower gets DIFF, TRUNC or
 * SNAP, the transactions and NEWLEADER; a quorum of NEWLEADER acknowledgements commits the initial
 * history and sends UPTODATE. Broadcast: PROPOSALs pipelined per follower, committed on a quorum of
 * durable ACKs. A leader that cannot keep a quorum steps down.
 */
final class Leader {

    enum Phase { DISCOVERY, SYNC, BROADCAST }

    /** {@link #transferFrom} of a leader chosen by an election. */
    static final long NO_TRANSFER = -1;

    private final ZabCore core;
    /** The epoch whose leader asked this member to take over, or {@link #NO_TRANSFER}. */
    final long transferFrom;
    final ReadTracker reads;
    final MembershipChanges changes;
    Phase phase = Phase.DISCOVERY;
    /** The new epoch, -1 until a quorum of FOLLOWERINFO fixed it. */
    long epoch = -1;
    /** The epoch's first transaction (the initial history ends there), -1 before. */
    long newLeaderIndex = -1;
    final TreeMap<String, Peer> peers = new TreeMap<>();
    private long maxAcceptedSeen;
    private final long startTick;
    private int heartbeatElapsed;
    private int checkQuorumElapsed;
    private long commitSent;
    /**
     * When the group was last in use: a client asked something of this leader (proposal, read, change,
     * transfer), or a follower sent anything but a PING answer.
     */
    private long lastActivityTick;

    Leader(ZabCore core, long transferFrom) {
        this.core = core;
        this.transferFrom = transferFrom;
        this.maxAcceptedSeen = core.meta.acceptedEpoch();
        this.startTick = core.now;
        this.lastActivityTick = core.now;
        this.reads = new ReadTracker(core, this);
        this.changes = new MembershipChanges(core, this);
    }

    void start() {
        announceTakingOver();
        tryChooseEpoch();
    }

    boolean established() {
        return phase == Phase.BROADCAST;
    }

    boolean acceptsProposals() {
        return phase == Phase.BROADCAST && !changes.removedSelf() && !core.transferring();
    }

    // ---- inputs --------------------------------------------------------------------------------

    void receive(String from, ZabMessage message) {
        if (!(message instanceof PingAck)) {
            // Replication traffic: more may still be on its way (the answer to a resent or duplicated
            // message), and it would wake a leader that quiesced now.
            lastActivityTick = core.now;
        }
        if (message instanceof FollowerInfo m) {
            onFollowerInfo(from, m);
            return;
        }
        Peer peer = peers.get(from);
        if (peer == null) {
            return;
        }
        peer.contact(core.now);
        if (message instanceof AckEpoch m) {
            onAckEpoch(peer, m);
        } else if (message instanceof Ack m) {
            onAck(peer, m);
        } else if (message instanceof PingAck m) {
            if (m.epoch() == epoch && peer.inEpoch()) {
                if (!m.synced() && peer.phase == Peer.Phase.SYNCED) {
                    // It restarted its synchronization (a new session whose NEWLEADER is still due).
                    peer.phase = Peer.Phase.SYNCING;
                    peer.newLeaderSent = false;
                }
                peer.ackedRound = Math.max(peer.ackedRound, m.round());
                reads.onPingAck();
            }
        } else if (message instanceof Resync m) {
            onResync(peer, m);
        }
    }

    void tick() {
        heartbeatElapsed++;
        checkQuorumElapsed++;
        if (phase != Phase.BROADCAST && core.now - startTick > 3L * core.electionTicks) {
            core.lookForLeader("not established within " + 3 * core.electionTicks + " ticks");
            return;
        }
        tryChooseEpoch(); // a lease this member granted may have run out
        if (heartbeatElapsed >= core.heartbeatTicks) {
            heartbeatElapsed = 0;
            if (mayQuiesce()) {
                quiesce();
                return;
            }
            heartbeat();
        }
        sendPendingCommit();
        if (phase == Phase.BROADCAST && checkQuorumElapsed >= core.electionTicks) {
            checkQuorumElapsed = 0;
            if (!quorumActive()) {
                core.lookForLeader("no quorum heard from in an election timeout");
            }
        }
    }

    // ---- phase 1: discovery ------------------------------------------------------------------

    private void onFollowerInfo(String from, FollowerInfo m) {
        Peer previous = peers.get(from);
        if (previous != null && previous.phase != Peer.Phase.CONNECTED && epoch >= 0 && m.acceptedEpoch() < epoch) {
            return; // a late copy from before it accepted our epoch
        }
        if (previous != null && previous.phase == Peer.Phase.CONNECTED && previous.acceptedEpoch == m.acceptedEpoch()) {
            previous.contact(core.now); // a repeat
            if (epoch >= 0) {
                core.out.sendAfterPersist(from, new NewEpoch(epoch));
            }
            return;
        }
        Peer peer = new Peer(from, m.fresh(), m.acceptedEpoch(), core.now);
        peers.put(from, peer); // a new session of this follower
        if (epoch < 0) {
            maxAcceptedSeen = Math.max(maxAcceptedSeen, m.acceptedEpoch());
            tryChooseEpoch();
        } else {
            core.out.sendAfterPersist(from, new NewEpoch(epoch));
        }
    }

    private void tryChooseEpoch() {
        if (epoch >= 0) {
            return;
        }
        Set<String> connected = counting(Peer.Phase.CONNECTED);
        if (!Quorum.isQuorum(core.membership(), connected) || core.leaseWaitPending()) {
            return;
        }
        // §IV-A: e' above every f.p of the quorum, so no follower has acknowledged it before.
        epoch = maxAcceptedSeen + 1;
        core.acceptEpoch(epoch, core.self);
        for (Peer peer : peers.values()) {
            // Sent once our own acceptance is durable, so any ACKEPOCH implies it is.
            core.out.sendAfterPersist(peer.id, new NewEpoch(epoch));
        }
        tryFinishDiscovery();
    }

    private void onAckEpoch(Peer peer, AckEpoch m) {
        if (m.epoch() != epoch || peer.phase != Peer.Phase.CONNECTED) {
            return;
        }
        peer.history = m.history();
        peer.currentEpoch = m.currentEpoch();
        peer.epochAckCounted = m.counted();
        peer.phase = Peer.Phase.EPOCH_ACKED;
        if (phase == Phase.DISCOVERY) {
            if (counts(peer) && m.counted() && moreRecentThanOurs(m.currentEpoch(), m.history())) {
                // §IV-A (ZooKeeper's waitForEpochAck): a quorum member knows more; we must not lead.
                core.lookForLeader("follower " + peer.id + " has a more recent history");
                return;
            }
            tryFinishDiscovery();
        } else {
            planSync(peer);
        }
    }

    private boolean moreRecentThanOurs(long currentEpoch, History history) {
        long c = Long.compare(currentEpoch, core.meta.currentEpoch());
        if (c == 0) {
            c = Long.compare(history.lastEra(), core.lastEra());
        }
        if (c == 0) {
            c = Long.compare(history.lastIndex(), core.lastIndex());
        }
        return c > 0;
    }

    private void tryFinishDiscovery() {
        if (phase != Phase.DISCOVERY || epoch < 0) {
            return;
        }
        Set<String> acked = counting(Peer.Phase.EPOCH_ACKED);
        acked.removeIf(id -> !id.equals(core.self) && !peers.get(id).epochAckCounted);
        if (!Quorum.isQuorum(core.membership(), acked)) {
            return;
        }
        phase = Phase.SYNC;
        core.setCurrentEpoch(epoch);
        // The epoch's first transaction, zxid (epoch, 0): it closes the initial history, and its
        // persisted notice tells us our own epochs are durable (same Ready).
        newLeaderIndex = append(EntryKind.NOOP, null);
        for (Peer peer : peers.values()) {
            if (peer.phase == Peer.Phase.EPOCH_ACKED) {
                planSync(peer);
            }
        }
        maybeCommit();
    }

    /**
     * A leader by transfer tells every member it has not heard from yet (until established): those
     * that follow the old leader connect to it, and none waits out its lease granted to the old one.
     */
    private void announceTakingOver() {
        if (transferFrom == NO_TRANSFER || phase == Phase.BROADCAST) {
            return;
        }
        for (String id : core.contacts()) {
            if (!peers.containsKey(id)) {
                core.out.send(id, new TakingOver(transferFrom));
            }
        }
    }

    /** Whether the peer's acknowledgements count: a voter of our configuration that is not an unjoined fresh member. */
    boolean counts(Peer peer) {
        return !peer.fresh && core.isVoter(peer.id);
    }

    /** This member and the synchronized peers whose acknowledgements count now, by {@code membership}. */
    Set<String> countingNow(Membership membership) {
        Set<String> ids = new TreeSet<>();
        ids.add(core.self);
        for (Peer peer : peers.values()) {
            if (!peer.fresh && peer.phase == Peer.Phase.SYNCED && membership.isVoter(peer.id)) {
                ids.add(peer.id);
            }
        }
        return ids;
    }

    /** This member and every synchronized peer that votes in {@code membership}, counting or not yet. */
    Set<String> synchronizedNow(Membership membership) {
        Set<String> ids = new TreeSet<>();
        ids.add(core.self);
        for (Peer peer : peers.values()) {
            if (peer.phase == Peer.Phase.SYNCED && membership.isVoter(peer.id)) {
                ids.add(peer.id);
            }
        }
        return ids;
    }

    /** This member and the counting peers at {@code phase} or later. */
    private Set<String> counting(Peer.Phase phase) {
        Set<String> ids = new TreeSet<>();
        ids.add(core.self);
        for (Peer peer : peers.values()) {
            if (counts(peer) && peer.phase.compareTo(phase) >= 0) {
                ids.add(peer.id);
            }
        }
        return ids;
    }

    // ---- phase 2: synchronization ------------------------------------------------------------

    private void planSync(Peer peer) {
        Histories.Plan plan = Histories.plan(core.based(), peer.history);
        if (plan == null) {
            core.lookForLeader("follower " + peer.id + " holds committed transactions beyond our log");
            return;
        }
        peer.mode = plan.mode();
        peer.phase = Peer.Phase.SYNCING;
        peer.newLeaderSent = false;
        if (plan.mode() == Histories.Mode.SNAP) {
            startSnapshot(peer);
            return;
        }
        peer.snapshotPending = false;
        peer.progress = new Progress(peer.id, plan.match() + 1, ZabCore.MAX_INFLIGHT);
        peer.sentUpTo = plan.match();
        peer.hintIndex = plan.match();
        peer.hintEra = plan.matchEra();
        if (plan.mode() == Histories.Mode.DIFF) {
            core.out.send(peer.id, new Diff(epoch, plan.match(), plan.matchEra()));
        } else {
            core.out.send(peer.id, new Trunc(epoch, plan.match(), plan.matchEra()));
        }
    }

    private void startSnapshot(Peer peer) {
        Optional<SnapshotMeta> snapshot = core.log.latestSnapshot();
        if (snapshot.isEmpty()) {
            throw new IllegalStateException("leader " + core.self + " compacted its log without a snapshot");
        }
        SnapshotMeta meta = snapshot.get();
        peer.mode = Histories.Mode.SNAP;
        peer.snapshotPending = true;
        peer.progress = new Progress(peer.id, meta.index() + 1, ZabCore.MAX_INFLIGHT);
        peer.sentUpTo = meta.index();
        peer.hintIndex = meta.index();
        peer.hintEra = meta.era();
        peer.snapshotStreaming = false;
        // The stream starts once the follower confirms it still needs the snapshot (its Resync): a
        // stream the follower no longer needs would arrive stale, and today's runtime stores even a
        // stale snapshot durably before it checks (see docs/zab.md).
        core.out.send(peer.id, new Snap(epoch, meta.index(), meta.era()));
    }

    private void streamSnapshot(Peer peer) {
        peer.snapshotStreaming = true;
        core.out.sendSnapshot(peer.id); // the runtime streams it; the follower reports back with Resync
    }

    private void onResync(Peer peer, Resync m) {
        if (m.epoch() != epoch || (peer.phase != Peer.Phase.SYNCING && peer.phase != Peer.Phase.SYNCED)) {
            return;
        }
        peer.history = m.history();
        Histories.Plan plan = Histories.plan(core.based(), m.history());
        if (plan == null) {
            core.lookForLeader("follower " + peer.id + " holds committed transactions beyond our log");
            return;
        }
        if (plan.mode() == Histories.Mode.SNAP) {
            if (peer.snapshotPending) {
                streamSnapshot(peer); // confirmed (or repeated): the runtime resumes a transfer in progress
            } else {
                startSnapshot(peer);
            }
            return;
        }
        peer.snapshotPending = false;
        peer.snapshotStreaming = false;
        if (peer.phase == Peer.Phase.SYNCED) {
            // A gap in broadcast: resend from where it really is (its log is a prefix of ours).
            peer.hintIndex = plan.match();
            peer.hintEra = plan.matchEra();
            peer.progress.rejected(plan.match() + 1, core.now);
            return;
        }
        planSync(peer);
    }

    private void onAck(Peer peer, Ack m) {
        if (m.epoch() != epoch || peer.progress == null || m.index() > core.lastIndex()
                || (peer.phase != Peer.Phase.SYNCING && peer.phase != Peer.Phase.SYNCED)) {
            return;
        }
        peer.ackedSinceHeartbeat = true;
        peer.progress.acknowledged(m.index(), core.now);
        if (m.synced() && peer.phase == Peer.Phase.SYNCING && peer.newLeaderSent && m.index() >= newLeaderIndex) {
            peer.phase = Peer.Phase.SYNCED; // it acknowledged NEWLEADER
            if (phase == Phase.BROADCAST) {
                core.out.send(peer.id, new UpToDate(epoch, core.commitIndex));
            }
        }
        maybeCommit();
    }

    /** Commits what a quorum durably holds, once that includes the initial history (§IV-B, §IV-C). */
    void maybeCommit() {
        if (newLeaderIndex < 0) {
            return;
        }
        long quorum = Quorum.committed(core.membership(), id -> {
            if (id.equals(core.self)) {
                return core.durableIndex;
            }
            Peer peer = peers.get(id);
            return peer != null && counts(peer) && peer.phase == Peer.Phase.SYNCED ? peer.progress.matchIndex() : 0;
        });
        if (quorum < newLeaderIndex) {
            return; // only NEWLEADER-acknowledged members count, so this includes their current epoch
        }
        quorum = Math.min(quorum, core.lastIndex());
        if (phase == Phase.SYNC) {
            phase = Phase.BROADCAST; // established: the initial history is committed
            checkQuorumElapsed = 0;
            for (Peer peer : peers.values()) {
                if (peer.phase == Peer.Phase.SYNCED) {
                    core.out.send(peer.id, new UpToDate(epoch, quorum));
                }
            }
        }
        core.advanceCommit(quorum);
        changes.onCommitted();
    }

    // ---- phase 3: broadcast ------------------------------------------------------------------

    /** Appends a transaction of this epoch; returns its index. */
    long append(EntryKind kind, byte[] payload) {
        LogEntry entry = new LogEntry(core.lastIndex() + 1, epoch, kind, payload);
        core.append(entry);
        return entry.index();
    }

    /** Sends what each follower is missing, pipelined, with the commit point, plus NEWLEADER where due. */
    void flush() {
        List<String> sentProposal = new ArrayList<>();
        for (Peer peer : peers.values()) {
            if ((peer.phase == Peer.Phase.SYNCING || peer.phase == Peer.Phase.SYNCED) && replicate(peer)) {
                sentProposal.add(peer.id);
            }
            if (peer.phase == Peer.Phase.SYNCING && !peer.snapshotPending && !peer.newLeaderSent
                    && peer.sentUpTo >= newLeaderIndex && newLeaderIndex > 0) {
                core.out.send(peer.id, new NewLeader(epoch, newLeaderIndex));
                peer.newLeaderSent = true;
            }
        }
        if (core.commitIndex > commitSent && phase == Phase.BROADCAST && everySyncedPeerIn(sentProposal)) {
            commitSent = core.commitIndex; // the proposals just sent carry it; else see sendPendingCommit
        }
        if (core.transferring()) {
            core.transfer.maybeSendTakeOver(this);
        }
        reads.flush();
    }

    /** Sends batches while the window allows; returns whether anything was sent. */
    private boolean replicate(Peer peer) {
        Progress progress = peer.progress;
        boolean sent = false;
        while (!peer.snapshotPending && progress.canSend() && progress.nextIndex() <= core.lastIndex()) {
            long prev = progress.nextIndex() - 1;
            long prevEra = core.eraAt(prev);
            if (prevEra < 0 && prev == peer.hintIndex) {
                prevEra = peer.hintEra;
            }
            if (prevEra < 0 || progress.nextIndex() < core.based().firstIndex()) {
                startSnapshot(peer); // what it needs was compacted away
                return sent;
            }
            List<LogEntry> batch = core.log.entries(progress.nextIndex(), core.lastIndex() + 1, ZabCore.MAX_BATCH_BYTES);
            if (batch.isEmpty() || batch.get(0).index() != progress.nextIndex()) {
                startSnapshot(peer);
                return sent;
            }
            batch = consecutive(batch);
            long last = batch.get(batch.size() - 1).index();
            core.out.send(peer.id, new Proposal(epoch, prev, prevEra, batch, core.commitIndex));
            progress.sent(last);
            peer.sentUpTo = Math.max(peer.sentUpTo, last);
            sent = true;
        }
        return sent;
    }

    private boolean everySyncedPeerIn(List<String> ids) {
        for (Peer peer : peers.values()) {
            if (peer.phase == Peer.Phase.SYNCED && !ids.contains(peer.id)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tells followers a commit point no proposal has carried to them yet. A COMMIT waits for this
     * tick rather than going out the moment a quorum acknowledged: under load the next proposal
     * carries it anyway, and a lone write is not followed by a message of its own to every follower,
     * whose sending and receiving would compete for the CPU with the next write (followers learn
     * of a commit at most a tick late; a read round's PING carries it too).
     */
    private void sendPendingCommit() {
        if (core.commitIndex > commitSent && phase == Phase.BROADCAST) {
            commitSent = core.commitIndex;
            for (Peer peer : peers.values()) {
                if (peer.phase == Peer.Phase.SYNCED) {
                    core.out.send(peer.id, new Commit(epoch, core.commitIndex));
                }
            }
        }
    }

    /** The batch up to its first hole (a log can hold older entries below its snapshot, with gaps). */
    private static List<LogEntry> consecutive(List<LogEntry> batch) {
        for (int i = 1; i < batch.size(); i++) {
            if (batch.get(i).index() != batch.get(i - 1).index() + 1) {
                return batch.subList(0, i);
            }
        }
        return batch;
    }

    private void heartbeat() {
        announceTakingOver(); // it may have been lost
        for (Peer peer : peers.values()) {
            if (peer.phase == Peer.Phase.CONNECTED) {
                if (epoch >= 0) {
                    core.out.sendAfterPersist(peer.id, new NewEpoch(epoch)); // NEWEPOCH may have been lost
                }
                continue;
            }
            if (peer.snapshotPending) {
                // The header asks the follower to confirm again (or to say it no longer needs it);
                // each confirmation asks the runtime to stream, which resumes a stalled transfer. A
                // leader that was deposed meanwhile gets no confirmation and streams no more.
                SnapshotMeta meta = core.log.latestSnapshot().orElseThrow();
                core.out.send(peer.id, new Snap(epoch, meta.index(), meta.era()));
            } else if (peer.phase == Peer.Phase.SYNCING && peer.newLeaderSent) {
                core.out.send(peer.id, new NewLeader(epoch, newLeaderIndex)); // may have been lost
            }
            if (peer.progress != null && !peer.ackedSinceHeartbeat && peer.progress.inflight() > 0) {
                peer.progress.resetInflight(); // nothing came back: resend what is unacknowledged
            }
            peer.ackedSinceHeartbeat = false;
        }
        reads.heartbeat();
    }

    // ---- quiescence ----------------------------------------------------------------------------

    /** A client asked something: the group is in use, so it stays awake for an election timeout. */
    void requested() {
        lastActivityTick = core.now;
    }

    /**
     * Whether the group may go quiescent: in no use for an election timeout (see
     * {@link #lastActivityTick}); nothing in flight (every transaction committed, durable here and its
     * commit point sent; no read, change or transfer); every member of the configuration at rest (see
     * {@link #atRest}); and no member the configuration no longer counts still following. The runtime
     * sends node liveness messages only to members, so such a follower, asleep, would take this leader
     * for gone and wake the group looking for one: the group stays awake until that member is stopped
     * (silent, it is no longer waited for).
     */
    private boolean mayQuiesce() {
        long last = core.lastIndex();
        if (!core.context.config().quiesce() || core.now - lastActivityTick < core.electionTicks
                || phase != Phase.BROADCAST || core.transfer != null || changes.inProgress() || changes.removedSelf()
                || !reads.idle() || core.commitIndex != last || commitSent != last || core.durableIndex < last) {
            return false;
        }
        Membership membership = core.membership();
        for (Member member : membership.all()) {
            if (!member.id().equals(core.self) && !peers.containsKey(member.id())) {
                return false; // not connected (down, or looking for a leader): it keeps the group awake
            }
        }
        for (Peer peer : peers.values()) {
            boolean member = membership.member(peer.id).isPresent();
            if (member ? !atRest(peer, last) : heardFromLately(peer)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a follower may sleep: synchronized, no snapshot on its way, every transaction up to
     * {@code last} acknowledged; it answered the latest PING round (so no late answer wakes us again);
     * and it was heard from lately, so a leader cut off keeps pinging (and CheckQuorum finds out) and
     * a member that is down keeps the group awake until it is back or removed.
     */
    private boolean atRest(Peer peer, long last) {
        return peer.phase == Peer.Phase.SYNCED && !peer.snapshotPending && !peer.snapshotStreaming
                && peer.progress.matchIndex() == last && peer.progress.inflight() == 0
                && peer.ackedRound >= reads.lastRound() && heardFromLately(peer);
    }

    /** Heard from within two heartbeat intervals: it answered the last round or the one before. */
    private boolean heardFromLately(Peer peer) {
        return core.now - peer.lastContactTick <= 2L * core.heartbeatTicks;
    }

    /**
     * Tells every member to stop ticking, and stops: no PINGs until the next input. The lease ends
     * (time stands still for a quiescent core), and CheckQuorum counts afresh once awake: what was
     * heard before the sleep says nothing of who is reachable after it.
     */
    private void quiesce() {
        Membership membership = core.membership();
        for (Peer peer : peers.values()) {
            if (membership.member(peer.id).isPresent()) {
                core.out.send(peer.id, new Quiesce(epoch, core.commitIndex));
            }
            peer.takeRecentlyActive();
        }
        reads.dropLease();
        checkQuorumElapsed = 0;
        core.quiescent = true;
    }

    /** CheckQuorum: whether a quorum (with us) was heard from since the last check. */
    private boolean quorumActive() {
        Set<String> active = new TreeSet<>();
        active.add(core.self);
        for (Peer peer : peers.values()) {
            if (peer.takeRecentlyActive() && counts(peer) && peer.inEpoch()) {
                active.add(peer.id);
            }
        }
        return Quorum.isQuorum(core.membership(), active);
    }

    /** Leadership is over: fail what waits on it. */
    void stepDown(String reason) {
        reads.failAll(reason);
        changes.abandon();
        if (core.transferring()) {
            core.out.outcome(RequestOutcome.failed(core.transfer.requestId, Reason.NO_LEADER, core.self
                    + " stopped leading before " + core.transfer.target + " took over: " + reason));
            core.transfer = null;
        }
    }

    List<FollowerProgress> progress(long tickMillis) {
        List<FollowerProgress> list = new ArrayList<>();
        long last = core.lastIndex();
        for (Peer peer : peers.values()) {
            long match = peer.progress != null ? peer.progress.matchIndex() : 0;
            list.add(new FollowerProgress(peer.id, match, Math.max(0, last - match),
                    (core.now - peer.lastContactTick) * tickMillis));
        }
        return list;
    }

    @Override
    public String toString() {
        return "leading e" + epoch + " " + phase + " nl=" + newLeaderIndex + " " + peers.values();
    }
}
