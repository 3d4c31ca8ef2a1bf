package io.consensus.testkit.sim;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException;
import io.consensus.api.Role;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.CoreState;
import io.consensus.api.spi.CoreStatus;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.ProtocolCore;
import io.consensus.api.spi.ProtocolMessage;
import io.consensus.api.spi.Ready;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.core.protocol.PendingLog;
import io.consensus.core.protocol.Quorum;
import io.consensus.core.protocol.ReadyBuilder;
import io.consensus.core.protocol.TickTimer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The core of {@link ToyRaft}: one member's state machine, stepped by the runtime. */
final class ToyRaftCore implements ProtocolCore {

    private static final long MAX_APPEND_BYTES = 64 * 1024;

    private record PendingRead(long id, long index, long round) {}

    private final String self;
    private final Membership membership;
    private final List<String> peers = new ArrayList<>();
    private final PendingLog log;
    private final ReadyBuilder out;
    private final Set<ToyRaft.Fault> faults;
    private final TickTimer election;
    private final TickTimer heartbeat;
    private final TreeMap<String, Long> match = new TreeMap<>();
    private final TreeMap<String, Long> next = new TreeMap<>();
    private final TreeMap<String, Long> ackedRound = new TreeMap<>();
    private final TreeSet<String> votes = new TreeSet<>();
    private final List<PendingRead> reads = new ArrayList<>();
    private final List<Long> readsAwaitingTermCommit = new ArrayList<>();
    private long term;
    private String votedFor;
    private Role role = Role.FOLLOWER;
    private String leader;
    private long commitIndex;
    private long emittedIndex;
    private long persistedIndex;
    private long termStart;
    private long round;
    private long floorIndex;
    private long floorEra;

    ToyRaftCore(CoreContext context, Set<ToyRaft.Fault> faults) {
        this.self = context.memberId();
        this.membership = context.bootstrapMembership() != null ? context.bootstrapMembership()
                : Membership.ofVoters(new TreeSet<>(context.config().members()));
        for (Member member : membership.voters()) {
            if (!member.id().equals(self)) {
                peers.add(member.id());
            }
        }
        this.log = new PendingLog(context.log());
        this.out = new ReadyBuilder(log);
        this.faults = faults;
        this.election = TickTimer.randomized(context.config().electionTimeoutTicks(), context.random());
        this.heartbeat = TickTimer.fixed(Math.max(1, context.config().heartbeatIntervalTicks()));
        byte[] metadata = context.log().metadata();
        if (metadata != null) {
            readMetadata(metadata);
        }
        long snapshot = context.log().latestSnapshot().map(SnapshotMeta::index).orElse(0L);
        floorIndex = snapshot;
        floorEra = context.log().latestSnapshot().map(SnapshotMeta::era).orElse(0L);
        commitIndex = snapshot;
        emittedIndex = snapshot;
        persistedIndex = Math.max(context.log().lastIndex(), snapshot); // after a restart, what is stored is durable
        out.stateChanged(state());
    }

    // ---- timers -------------------------------------------------------------------------------

    @Override
    public void tick() {
        if (role == Role.LEADER) {
            if (heartbeat.tick()) {
                broadcast(true);
            }
        } else if (election.tick()) {
            campaign();
        }
    }

    private void campaign() {
        term++;
        role = Role.CANDIDATE;
        leader = null;
        votedFor = self;
        votes.clear();
        votes.add(self);
        persistMetadata();
        election.reset();
        out.stateChanged(state());
        if (Quorum.isQuorum(membership, votes)) {
            becomeLeader();
            return;
        }
        long lastIndex = lastIndex();
        for (String peer : peers) {
            // After persisting: our own vote must be durable before anyone's vote can elect us.
            reply(peer, new ToyRaft.RequestVote(term, lastIndex, eraAt(lastIndex)));
        }
    }

    private void becomeLeader() {
        role = Role.LEADER;
        leader = self;
        long lastIndex = lastIndex();
        for (String peer : peers) {
            next.put(peer, lastIndex + 1);
            match.put(peer, 0L);
            ackedRound.put(peer, 0L);
        }
        termStart = lastIndex + 1;
        append(LogEntry.noop(termStart, term));
        heartbeat.reset();
        out.stateChanged(state());
        broadcast(false);
        maybeCommit();
    }

    private void becomeFollower(long newTerm, String newLeader) {
        boolean changed = role != Role.FOLLOWER || newTerm != term || !java.util.Objects.equals(leader, newLeader);
        if (newTerm > term) {
            term = newTerm;
            votedFor = null;
            persistMetadata();
        }
        if (role == Role.LEADER) {
            failReads();
        }
        role = Role.FOLLOWER;
        leader = newLeader;
        if (newLeader != null) {
            election.reset(); // only a leader's message (or a granted vote) defers our own candidacy
        }
        if (changed) {
            out.stateChanged(state());
        }
    }

    // ---- messages -----------------------------------------------------------------------------

    @Override
    public void receive(String from, ProtocolMessage message) {
        if (!(message instanceof ToyRaft.Message m) || !peers.contains(from)) {
            return;
        }
        long messageTerm = termOf(m);
        if (messageTerm > term) {
            becomeFollower(messageTerm, m instanceof ToyRaft.Append ? from : null);
        }
        if (m instanceof ToyRaft.RequestVote rv) {
            onRequestVote(from, rv);
        } else if (m instanceof ToyRaft.Vote v) {
            if (role == Role.CANDIDATE && v.term() == term && v.granted()) {
                votes.add(from);
                if (Quorum.isQuorum(membership, votes)) {
                    becomeLeader();
                }
            }
        } else if (m instanceof ToyRaft.Append a) {
            onAppend(from, a);
        } else if (m instanceof ToyRaft.AppendReply r) {
            onAppendReply(from, r);
        }
    }

    private static long termOf(ToyRaft.Message m) {
        if (m instanceof ToyRaft.RequestVote rv) {
            return rv.term();
        }
        if (m instanceof ToyRaft.Vote v) {
            return v.term();
        }
        if (m instanceof ToyRaft.Append a) {
            return a.term();
        }
        return ((ToyRaft.AppendReply) m).term();
    }

    private void onRequestVote(String from, ToyRaft.RequestVote rv) {
        long lastIndex = lastIndex();
        long lastTerm = eraAt(lastIndex);
        boolean upToDate = rv.lastTerm() > lastTerm || (rv.lastTerm() == lastTerm && rv.lastIndex() >= lastIndex);
        boolean grant = rv.term() == term && (votedFor == null || votedFor.equals(from)) && upToDate;
        if (grant) {
            votedFor = from;
            persistMetadata();
            election.reset();
        }
        reply(from, new ToyRaft.Vote(term, grant));
    }

    private void onAppend(String from, ToyRaft.Append a) {
        if (a.term() < term) {
            reply(from, new ToyRaft.AppendReply(term, false, lastIndex(), a.round()));
            return;
        }
        if (role != Role.FOLLOWER || leader == null) {
            becomeFollower(term, from);
        }
        election.reset();
        long prev = a.prevIndex();
        long lastIndex = lastIndex();
        if (prev > lastIndex) {
            reply(from, new ToyRaft.AppendReply(term, false, lastIndex, a.round()));
            return;
        }
        if (prev > commitIndex && eraAt(prev) != a.prevTerm()) {
            reply(from, new ToyRaft.AppendReply(term, false, Math.min(commitIndex, lastIndex), a.round()));
            return;
        }
        for (LogEntry entry : a.entries()) {
            LogEntry existing = entry(entry.index());
            if (existing != null && existing.era() == entry.era()) {
                continue;
            }
            if (existing != null) {
                if (entry.index() <= commitIndex) {
                    throw new IllegalStateException(self + ": leader " + from + " of term " + term
                            + " conflicts with committed entry " + existing + ": " + entry);
                }
                log.truncateFrom(entry.index());
                persistedIndex = Math.min(persistedIndex, entry.index() - 1);
            } else if (entry.index() != lastIndex() + 1) {
                continue; // compacted below our log, or not contiguous (cannot happen after the check)
            }
            log.put(entry);
        }
        long lastNew = prev + a.entries().size();
        if (a.commit() > commitIndex) {
            commitIndex = Math.max(commitIndex, Math.min(a.commit(), lastNew));
            emitCommitted();
        }
        reply(from, new ToyRaft.AppendReply(term, true, lastNew, a.round()));
    }

    private void onAppendReply(String from, ToyRaft.AppendReply r) {
        if (role != Role.LEADER || r.term() != term) {
            return;
        }
        ackedRound.merge(from, r.round(), Math::max);
        long lastIndex = lastIndex();
        if (r.success()) {
            long matched = Math.max(match.get(from), r.index());
            match.put(from, matched);
            next.put(from, Math.max(next.get(from), matched + 1));
            maybeCommit();
        } else {
            next.put(from, Math.max(match.get(from) + 1, Math.min(r.index() + 1, lastIndex + 1)));
        }
        serveReads();
        if (next.get(from) <= lastIndex) {
            sendAppend(from);
        }
    }

    private void broadcast(boolean heartbeatRound) {
        for (String peer : peers) {
            if (heartbeatRound && match.get(peer) > 0) {
                next.put(peer, match.get(peer) + 1); // resend whatever was not acknowledged
            }
            sendAppend(peer);
        }
    }

    private void sendAppend(String peer) {
        long from = next.get(peer);
        long prevTerm = eraAt(from - 1);
        long lastIndex = lastIndex();
        if (prevTerm < 0 || (from <= lastIndex && entry(from) == null)) {
            out.sendSnapshot(peer); // compacted: the runtime streams our latest snapshot
            return;
        }
        List<LogEntry> entries = log.entries(from, lastIndex + 1, MAX_APPEND_BYTES);
        out.send(peer, new ToyRaft.Append(term, from - 1, prevTerm, entries, commitIndex, round));
        if (!entries.isEmpty()) {
            next.put(peer, entries.get(entries.size() - 1).index() + 1);
        }
    }

    private void reply(String to, ToyRaft.Message message) {
        if (faults.contains(ToyRaft.Fault.ACK_BEFORE_PERSIST)) {
            out.send(to, message);
        } else {
            out.sendAfterPersist(to, message);
        }
    }

    // ---- commitment -----------------------------------------------------------------------------

    private void append(LogEntry entry) {
        log.put(entry);
        if (faults.contains(ToyRaft.Fault.ACK_BEFORE_PERSIST)) {
            persistedIndex = entry.index(); // assumes the write is as good as durable
        }
    }

    private void maybeCommit() {
        long quorumIndex = faults.contains(ToyRaft.Fault.COMMIT_WITHOUT_QUORUM) ? persistedIndex
                : Quorum.committed(membership, id -> id.equals(self) ? persistedIndex : match.getOrDefault(id, 0L));
        if (quorumIndex > commitIndex && eraAt(quorumIndex) == term) {
            commitIndex = quorumIndex;
            emitCommitted();
            if (commitIndex >= termStart && !readsAwaitingTermCommit.isEmpty()) {
                List<Long> waiting = new ArrayList<>(readsAwaitingTermCommit);
                readsAwaitingTermCommit.clear();
                waiting.forEach(this::startRead);
            }
        }
    }

    private void emitCommitted() {
        long upTo = Math.min(commitIndex, lastIndex());
        while (emittedIndex < upTo) {
            LogEntry entry = entry(emittedIndex + 1);
            if (entry == null) {
                throw new IllegalStateException(self + ": committed entry " + (emittedIndex + 1) + " is missing");
            }
            emittedIndex++;
            out.commit(entry);
        }
    }

    @Override
    public void persisted(long index, long era) {
        if (index <= lastIndex() && eraAt(index) == era) {
            persistedIndex = Math.max(persistedIndex, index);
            if (role == Role.LEADER) {
                maybeCommit();
                serveReads();
            }
        }
    }

    @Override
    public boolean propose(byte[] commands) {
        if (role != Role.LEADER) {
            return false;
        }
        append(new LogEntry(lastIndex() + 1, term, EntryKind.COMMANDS, commands));
        for (String peer : peers) {
            if (next.get(peer) == lastIndex()) {
                sendAppend(peer); // pipelined: followers that are caught up get it at once
            }
        }
        maybeCommit();
        return true;
    }

    // ---- reads ----------------------------------------------------------------------------------

    @Override
    public void read(long readId, ReadConsistency consistency) {
        if (role != Role.LEADER) {
            out.outcome(RequestOutcome.failed(readId, RejectedException.Reason.NO_LEADER, self + " is not leader"));
            return;
        }
        if (faults.contains(ToyRaft.Fault.UNCONFIRMED_LEADER_READS)) {
            out.grantRead(readId, commitIndex);
            return;
        }
        if (commitIndex < termStart) {
            readsAwaitingTermCommit.add(readId); // the commit index is not known to be current yet
            return;
        }
        startRead(readId);
    }

    private void startRead(long readId) {
        round++;
        reads.add(new PendingRead(readId, commitIndex, round));
        broadcast(false);
        serveReads();
    }

    private void serveReads() {
        if (reads.isEmpty()) {
            return;
        }
        long confirmed = Quorum.committed(membership, id -> id.equals(self) ? round : ackedRound.getOrDefault(id, 0L));
        for (Iterator<PendingRead> it = reads.iterator(); it.hasNext(); ) {
            PendingRead read = it.next();
            if (read.round() <= confirmed) {
                out.grantRead(read.id(), read.index());
                it.remove();
            }
        }
    }

    private void failReads() {
        for (PendingRead read : reads) {
            out.outcome(RequestOutcome.failed(read.id(), RejectedException.Reason.NO_LEADER, "lost leadership"));
        }
        for (long id : readsAwaitingTermCommit) {
            out.outcome(RequestOutcome.failed(id, RejectedException.Reason.NO_LEADER, "lost leadership"));
        }
        reads.clear();
        readsAwaitingTermCommit.clear();
    }

    /**
     * The last index, never below the snapshot this core knows of: after a crash the log may still
     * hold older entries below a snapshot received just before (its truncation was not yet synced).
     */
    private long lastIndex() {
        return Math.max(log.lastIndex(), floorIndex);
    }

    /**
     * The entry at {@code index}; entries at or below the snapshot this core knows of (recovered
     * with, or told of by {@link #snapshotInstalled}) are hidden, as above.
     */
    private LogEntry entry(long index) {
        return index <= floorIndex ? null : log.entry(index);
    }

    /** The era at {@code index}: the snapshot's at its index, -1 below it or where there is no entry. */
    private long eraAt(long index) {
        if (index == 0) {
            return 0;
        }
        if (index < floorIndex) {
            return -1;
        }
        if (index == floorIndex) {
            return floorEra;
        }
        LogEntry entry = log.entry(index);
        return entry == null ? -1 : entry.era();
    }

    // ---- the rest of the contract ---------------------------------------------------------------

    @Override
    public void changeMembership(long requestId, MembershipChange change) {
        out.outcome(RequestOutcome.failed(requestId, RejectedException.Reason.INVALID, "toy-raft has fixed membership"));
    }

    @Override
    public void transferLeadership(long requestId, String targetId) {
        out.outcome(RequestOutcome.failed(requestId, RejectedException.Reason.INVALID, "toy-raft cannot transfer"));
    }

    @Override
    public void snapshotInstalled(String from, SnapshotMeta meta) {
        // The runtime restored the state machine to the snapshot and emptied the log after it.
        if (meta.index() > floorIndex) {
            floorIndex = meta.index();
            floorEra = meta.era();
        }
        commitIndex = Math.max(commitIndex, meta.index());
        emittedIndex = meta.index();
        persistedIndex = meta.index();
        reply(from, new ToyRaft.AppendReply(term, true, meta.index(), 0));
    }

    @Override
    public void applied(long index) {
    }

    @Override
    public boolean hasReady() {
        return out.hasReady();
    }

    @Override
    public Ready ready() {
        return out.build();
    }

    @Override
    public CoreStatus status() {
        return new CoreStatus(state(), "term " + term, commitIndex, membership, List.of());
    }

    private CoreState state() {
        return new CoreState(role, leader, term);
    }

    private void persistMetadata() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            data.writeLong(term);
            data.writeBoolean(votedFor != null);
            if (votedFor != null) {
                data.writeUTF(votedFor);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.writeMetadata(bytes.toByteArray());
    }

    private void readMetadata(byte[] bytes) {
        try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes))) {
            term = data.readLong();
            votedFor = data.readBoolean() ? data.readUTF() : null;
        } catch (IOException e) {
            throw new IllegalStateException("unreadable toy-raft metadata", e);
        }
    }
}
