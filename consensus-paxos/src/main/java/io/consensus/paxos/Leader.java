package io.consensus.paxos;

import io.consensus.api.FollowerProgress;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.core.protocol.MembershipCodec;
import io.consensus.core.protocol.Quorum;
import io.consensus.paxos.PaxosMessage.Accept;
import io.consensus.paxos.PaxosMessage.Accepted;
import io.consensus.paxos.PaxosMessage.Heartbeat;
import io.consensus.paxos.PaxosMessage.HeartbeatAck;
import io.consensus.paxos.PaxosMessage.Learn;
import io.consensus.paxos.PaxosMessage.Learned;
import io.consensus.paxos.PaxosMessage.Quiesce;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The distinguished proposer after its phase 1 (Paxos Made Simple §3, Paxos Made Live §4): it first
 * proposes the recovered values and no-ops for every slot from its first one up to the highest slot
 * its quorum reported, then new values in the following slots. Phase 2 is pipelined (up to
 * {@link PaxosCore#MAX_SLOTS_IN_FLIGHT} unchosen slots, {@link PaxosCore#MAX_INFLIGHT_MESSAGES}
 * Accepts per acceptor) and batched (each slot holds a batch of commands; an Accept carries many
 * slots). A slot is chosen when a quorum of its configuration accepted it in this ballot; the leader
 * learns that from the Accepted replies and tells everyone through the commit index it piggybacks on
 * Accepts and heartbeats, or sends the chosen values themselves to a replica that lags ({@link Learn}),
 * or its snapshot when they are compacted. Once the group is idle and every member has learnt every
 * slot it tells them all to stop ticking ({@link Quiesce}) and stops itself.
 */
final class Leader {

    final PaxosCore core;
    final long ballot;
    final long firstSlot;
    /** The last slot proposed during recovery; the leader is established once it is chosen. */
    final long recoveryEnd;
    private final List<LogEntry> recovered;
    private final Set<Long> knownChosen;
    /** The next slot for a new value. */
    long nextSlot;
    /** Its own acceptances in this ballot are durable up to here. */
    private long ownDurable;
    /** Acceptors that accepted each unchosen slot in this ballot. */
    private final TreeMap<Long, Set<String>> acks = new TreeMap<>();
    /** Configurations proposed and not yet chosen, by slot; nothing after one is sent until it is chosen. */
    private final TreeMap<Long, Membership> pendingConfigs = new TreeMap<>();
    private final ArrayDeque<Proposal> queued = new ArrayDeque<>();
    final TreeMap<String, Peer> peers = new TreeMap<>();
    final LeaderReads reads;
    private int heartbeatElapsed;
    private int checkQuorumElapsed;
    /** When a client last asked something of this leader (proposal, read, change, transfer). */
    private long lastRequestTick;

    final LeaderRequests requests;

    /** A value waiting for a slot; {@code requestId} >= 0 for a membership change. */
    private record Proposal(EntryKind kind, byte[] payload, long requestId) {}

    Leader(PaxosCore core, long ballot, long firstSlot, List<LogEntry> recovered, Set<Long> knownChosen) {
        this.core = core;
        this.ballot = ballot;
        this.firstSlot = firstSlot;
        this.recovered = recovered;
        this.knownChosen = new TreeSet<>(knownChosen);
        this.recoveryEnd = firstSlot + recovered.size() - 1;
        if (firstSlot <= core.commitIndex) {
            throw new IllegalStateException("leader would propose in slot " + firstSlot + ", known chosen already");
        }
        this.nextSlot = firstSlot;
        this.ownDurable = firstSlot - 1;
        this.reads = new LeaderReads(core, this);
        this.requests = new LeaderRequests(core, this);
    }

    void start() {
        lastRequestTick = core.now;
        for (LogEntry value : recovered) {
            if (value.index() != nextSlot || value.era() != ballot) {
                throw new IllegalStateException("recovered " + value + " out of order at " + nextSlot);
            }
            write(value.kind(), value.payload());
        }
        refreshPeers();
        reads.broadcast(); // announce the leadership at once
        advanceCommit();
    }

    // ---- proposing -------------------------------------------------------------------------------

    boolean propose(EntryKind kind, byte[] payload, long requestId) {
        if (requests.transferring() || queued.size() >= PaxosCore.MAX_QUEUED_PROPOSALS) {
            return false;
        }
        queued.add(new Proposal(kind, payload, requestId));
        return true;
    }

    /** Gives queued values slots while the window allows and no configuration is being chosen. */
    private void assign() {
        while (!queued.isEmpty() && pendingConfigs.isEmpty()
                && nextSlot - 1 - core.commitIndex < PaxosCore.MAX_SLOTS_IN_FLIGHT) {
            Proposal proposal = queued.poll();
            if (proposal.requestId() >= 0) {
                requests.proposedIn(nextSlot);
            }
            write(proposal.kind(), proposal.payload());
        }
    }

    /** Proposes a value in the next slot: accepted by this member at once (its own phase 2b). */
    private void write(EntryKind kind, byte[] payload) {
        long slot = nextSlot++;
        LogEntry existing = core.log.entry(slot);
        LogEntry entry = new LogEntry(slot, ballot, kind, payload);
        if (existing != null && existing.era() == ballot && !PaxosCore.sameValue(existing, entry)) {
            throw new IllegalStateException("ballot " + Ballot.describe(ballot) + " proposes two values for slot " + slot);
        }
        core.write(entry);
        acks.put(slot, new TreeSet<>());
        if (kind == EntryKind.CONFIG) {
            pendingConfigs.put(slot, MembershipCodec.decode(payload));
            refreshPeers();
        }
        if (core.faults.acceptWithoutPersist()) {
            ownDurable = slot;
        }
    }

    /** The configuration of {@code slot}: the leader's own unchosen configuration below it, else the chosen one. */
    Membership membershipAt(long slot) {
        Map.Entry<Long, Membership> pending = pendingConfigs.lowerEntry(slot);
        return pending != null ? pending.getValue() : core.configs.at(slot);
    }

    /** Nothing above the first unchosen configuration is sent: its slot must be chosen first. */
    private long barrier() {
        return pendingConfigs.isEmpty() ? Long.MAX_VALUE : pendingConfigs.firstKey();
    }

    void flush() {
        assign();
        for (Peer peer : peers.values()) {
            replicate(peer);
        }
        reads.flush();
        requests.flush();
    }

    /** Phase 2a to one acceptor: the next run of slots it has not been sent, pipelined within its window. */
    private void replicate(Peer peer) {
        if (!peer.acceptor) {
            return;
        }
        long limit = Math.min(nextSlot - 1, barrier());
        while (peer.progress.canSend()) {
            long from = Math.max(peer.progress.nextIndex(), core.commitIndex + 1);
            if (from > limit) {
                return;
            }
            List<LogEntry> entries = core.log.entries(from, limit + 1, PaxosCore.MAX_BATCH_BYTES);
            if (entries.isEmpty() || entries.get(0).index() != from) {
                throw new IllegalStateException("leader log has a hole at slot " + from);
            }
            if (peer.progress.inflight() == 0) {
                peer.lastAckTick = core.now;
            }
            core.out.send(peer.id, new Accept(ballot, core.commitIndex, entries));
            peer.progress.sent(entries.get(entries.size() - 1).index());
        }
    }

    // ---- learning what is chosen ------------------------------------------------------------------

    void onAccepted(String from, Accepted m) {
        Peer peer = peers.get(from);
        if (peer == null || m.ballot() != ballot) {
            return;
        }
        peer.commit = m.commit(); // the latest report: it goes back when the member restarts
        peer.lastAckTick = core.now;
        long base = Math.max(peer.progress.matchIndex(), core.commitIndex);
        for (long slot = Math.max(m.fromSlot(), core.commitIndex + 1); slot <= Math.min(m.toSlot(), nextSlot - 1); slot++) {
            Set<String> accepted = acks.get(slot);
            if (accepted != null) {
                accepted.add(from);
            }
        }
        if (m.fromSlot() <= base + 1 && m.toSlot() > base) {
            peer.progress.acknowledged(Math.min(m.toSlot(), nextSlot - 1), core.now);
        } else {
            peer.progress.acknowledged(peer.progress.matchIndex(), core.now); // frees its window slot only
        }
        advanceCommit();
    }

    void persisted(long index, long era) {
        if (era == ballot && index < nextSlot && core.log.eraAt(index) == ballot) {
            ownDurable = Math.max(ownDurable, index);
            advanceCommit();
        }
    }

    private boolean chosen(long slot) {
        if (knownChosen.contains(slot)) {
            return true;
        }
        Set<String> voters = new TreeSet<>(acks.getOrDefault(slot, Set.of()));
        if (slot <= ownDurable) {
            voters.add(core.self);
        }
        return Quorum.isQuorum(membershipAt(slot), voters);
    }

    /** Learns chosen slots in order and hands them out (learners apply strictly in slot order). */
    private void advanceCommit() {
        while (core.commitIndex + 1 < nextSlot && chosen(core.commitIndex + 1)) {
            long slot = core.commitIndex + 1;
            LogEntry entry = core.log.entry(slot);
            if (entry == null || entry.era() != ballot) {
                throw new IllegalStateException("leader of " + Ballot.describe(ballot) + " lost its value for slot " + slot);
            }
            acks.remove(slot);
            Membership config = pendingConfigs.remove(slot);
            core.commitEntry(entry);
            if (config != null) {
                requests.chosen(slot);
                refreshPeers();
            }
        }
    }

    /** Whether its own removal is chosen. */
    boolean removedSelf() {
        Membership current = core.configs.at(core.commitIndex + 1);
        return current == null || !current.isVoter(core.self);
    }

    // ---- heartbeats, liveness, catch-up -----------------------------------------------------------

    void tick() {
        if (++heartbeatElapsed >= core.heartbeatTicks) {
            forgetRemoved();
            if (mayQuiesce()) {
                quiesce();
                return;
            }
            reads.broadcast();
            for (Peer peer : peers.values()) {
                if (peer.progress.inflight() > 0 && core.now - peer.lastAckTick >= 2L * core.heartbeatTicks) {
                    // An Accept or its answer was lost: resend from the first slot it has not acknowledged.
                    peer.progress.resetInflight();
                    peer.lastAckTick = core.now;
                }
            }
        }
        if (++checkQuorumElapsed >= core.electionTicks) {
            checkQuorumElapsed = 0;
            Set<String> active = new TreeSet<>();
            active.add(core.self);
            for (Peer peer : peers.values()) {
                if (peer.progress.takeRecentlyActive()) {
                    active.add(peer.id);
                }
            }
            if (!Quorum.isQuorum(core.configs.at(core.commitIndex + 1), active)) {
                core.stepDown(null); // cut off from a quorum: another member may lead already
                return;
            }
        }
        requests.tick();
    }

    /** Sends heartbeat round {@code seq} to every member (called by {@link LeaderReads}). */
    void sendHeartbeats(long seq) {
        heartbeatElapsed = 0;
        for (Peer peer : peers.values()) {
            core.out.send(peer.id, new Heartbeat(ballot, core.commitIndex, seq));
        }
    }

    /** Whether {@code voters} hold a quorum of the chosen configuration and of every pending one. */
    boolean confirmedBy(Set<String> voters) {
        if (!Quorum.isQuorum(core.configs.at(core.commitIndex + 1), voters)) {
            return false;
        }
        for (Membership pending : pendingConfigs.values()) {
            if (!Quorum.isQuorum(pending, voters)) {
                return false;
            }
        }
        return true;
    }

    void onHeartbeatAck(String from, HeartbeatAck m) {
        Peer peer = peers.get(from);
        if (peer == null || m.ballot() != ballot) {
            return;
        }
        peer.progress.markContact(core.now);
        peer.commit = m.commit(); // the latest report: it goes back when the member restarts
        peer.ackedSeq = Math.max(peer.ackedSeq, m.seq());
        reads.onAck(from, m.seq());
        long roundCommit = reads.commitOfRound(m.seq());
        if (roundCommit >= 0) {
            peer.caughtUpAtHeartbeat = m.commit() >= roundCommit;
        }
        if (m.commit() < roundCommit) {
            // It could not learn from the commit index alone (holes or values of older ballots).
            learn(peer);
        }
    }

    void onLearned(String from, Learned m) {
        Peer peer = peers.get(from);
        if (peer == null) {
            return;
        }
        peer.progress.markContact(core.now);
        peer.commit = m.commit(); // the latest report: it goes back when the member restarts
        if (peer.commit >= peer.learnSentThrough) {
            peer.learnSentTick = PaxosCore.NEVER;
        }
        learn(peer);
    }

    /** Sends a lagging replica the next chosen values it lacks, one batch at a time, or the snapshot. */
    private void learn(Peer peer) {
        if (peer.commit >= core.commitIndex || core.now - peer.learnSentTick < 2L * core.heartbeatTicks) {
            return;
        }
        long from = peer.commit + 1;
        if (core.log.entry(from) == null) {
            // Compacted: the runtime streams the snapshot, at most once per election timeout.
            if (core.log.latestSnapshot().isPresent() && core.now - peer.snapshotTick >= core.electionTicks) {
                core.out.sendSnapshot(peer.id);
                peer.snapshotTick = core.now;
            }
            return;
        }
        List<LogEntry> entries = new ArrayList<>();
        for (LogEntry entry : core.log.entries(from, core.commitIndex + 1, PaxosCore.MAX_BATCH_BYTES)) {
            if (entry.index() != from + entries.size()) {
                break;
            }
            entries.add(entry);
        }
        boolean known = core.configs.knowsAt(from);
        core.out.send(peer.id, new Learn(ballot, known ? core.configs.slotOf(from) : 0,
                known ? core.configs.at(from) : null, entries));
        peer.learnSentTick = core.now;
        peer.learnSentThrough = entries.get(entries.size() - 1).index();
    }

    // ---- quiescence ------------------------------------------------------------------------------

    /** A client asked something: the group is in use, so it stays awake for an election timeout. */
    void requested() {
        lastRequestTick = core.now;
    }

    /**
     * Whether the group may go quiescent: no client asked anything for an election timeout, nothing is
     * in flight, every slot it proposed is chosen and durable here, and every member has learnt them all.
     */
    private boolean mayQuiesce() {
        if (!core.context.config().quiesce() || core.now - lastRequestTick < core.electionTicks || !reads.established()
                || !allChosen() || ownDurable < nextSlot - 1 || !reads.idle() || !requests.idle() || configPending()) {
            return false;
        }
        for (Peer peer : peers.values()) {
            if (!settled(peer)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a member has learnt every slot, and no answer of its can still arrive to wake the leader:
     * no Accept, Learn or snapshot in flight to it, and it answered the last heartbeat round. It must
     * also have been heard from within two heartbeats: a leader cut off keeps heartbeating, so its
     * quorum check still finds out, and a member that is down keeps the group awake until it is back
     * or removed.
     */
    private boolean settled(Peer peer) {
        return peer.commit >= nextSlot - 1 && peer.progress.inflight() == 0 && peer.ackedSeq >= reads.lastSeq()
                && core.now - peer.learnSentTick >= 2L * core.heartbeatTicks
                && core.now - peer.snapshotTick >= core.electionTicks
                && core.now - peer.progress.lastContactTick() <= 2L * core.heartbeatTicks;
    }

    /**
     * Tells every member to stop ticking, and stops: no heartbeat until the next input. The lease ends
     * (time stands still for a quiescent core). The quorum check waits a whole election timeout once
     * awake: the leader sent nothing while asleep, so it must not step down for want of answers the
     * moment it wakes.
     */
    private void quiesce() {
        for (Peer peer : peers.values()) {
            core.out.send(peer.id, new Quiesce(ballot, core.commitIndex));
        }
        reads.dropLease();
        heartbeatElapsed = 0;
        checkQuorumElapsed = 0;
        core.quiescent = true;
    }

    /**
     * Tracks every member of the chosen configuration and of the pending ones, and the members a chosen
     * configuration removed until they know it.
     */
    private void refreshPeers() {
        List<Membership> configs = new ArrayList<>();
        configs.add(core.configs.at(core.commitIndex + 1));
        configs.addAll(pendingConfigs.values());
        Set<String> ids = new TreeSet<>();
        Set<String> voters = new TreeSet<>();
        for (Membership config : configs) {
            for (Member member : config.all()) {
                ids.add(member.id());
                if (config.isVoter(member.id())) {
                    voters.add(member.id());
                }
            }
        }
        ids.remove(core.self);
        for (Peer peer : peers.values()) {
            if (!ids.contains(peer.id) && peer.removedIn == 0) {
                peer.removedIn = core.configs.slotOf(core.commitIndex + 1);
                peer.acceptor = false;
            }
        }
        for (String id : ids) {
            Peer peer = peers.computeIfAbsent(id, i -> new Peer(i, core.commitIndex + 1, core.now));
            peer.acceptor = voters.contains(id);
            peer.removedIn = 0;
        }
    }

    /**
     * Forgets the removed members that know it (they no longer campaign) or went silent (one that
     * comes back learns of its removal from the refusal of its candidacy, {@link PaxosMessage.NotMember}).
     */
    private void forgetRemoved() {
        peers.values().removeIf(p -> p.removedIn > 0
                && (p.commit >= p.removedIn || core.now - p.progress.lastContactTick() > 2L * core.heartbeatTicks));
    }

    /** Leadership ended; {@code supersededBy} is the member whose higher ballot ended it, if known. */
    void stepDown(String supersededBy) {
        String detail = core.self + " is no longer leader";
        reads.failAll(detail);
        requests.stepDown(supersededBy, detail);
    }

    /** Whether a configuration is proposed and not yet chosen. */
    boolean configPending() {
        return !pendingConfigs.isEmpty();
    }

    /** Whether every value it proposed is chosen and nothing waits for a slot. */
    boolean allChosen() {
        return queued.isEmpty() && core.commitIndex == nextSlot - 1;
    }

    List<FollowerProgress> progress(long tickMillis) {
        List<FollowerProgress> result = new ArrayList<>();
        for (Peer peer : peers.values()) {
            if (peer.removedIn > 0) {
                continue;
            }
            long match = Math.max(peer.commit, peer.progress.matchIndex());
            result.add(new FollowerProgress(peer.id, match, Math.max(0, nextSlot - 1 - match),
                    Math.max(0, core.now - peer.progress.lastContactTick()) * tickMillis));
        }
        return result;
    }

    @Override
    public String toString() {
        return "lead " + Ballot.describe(ballot) + " slots " + firstSlot + ".." + (nextSlot - 1) + " recovered to "
                + recoveryEnd + " durable " + ownDurable + " queued " + queued.size() + " peers " + peers.values();
    }
}
