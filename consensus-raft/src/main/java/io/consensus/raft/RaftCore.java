package io.consensus.raft;

import io.consensus.api.FollowerProgress;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException.Reason;
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
import io.consensus.core.protocol.ConfigTracker;
import io.consensus.core.protocol.PendingLog;
import io.consensus.core.protocol.ReadyBuilder;
import io.consensus.core.protocol.TickTimer;
import io.consensus.raft.RaftMessage.AppendEntries;
import io.consensus.raft.RaftMessage.AppendResponse;
import io.consensus.raft.RaftMessage.Heartbeat;
import io.consensus.raft.RaftMessage.HeartbeatResponse;
import io.consensus.raft.RaftMessage.NotMember;
import io.consensus.raft.RaftMessage.Quiesce;
import io.consensus.raft.RaftMessage.SnapshotAck;
import io.consensus.raft.RaftMessage.TimeoutNow;
import io.consensus.raft.RaftMessage.VoteRequest;
import io.consensus.raft.RaftMessage.VoteResponse;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One Raft member as a pure state machine (see {@link ProtocolCore}). This class holds the state of
 * paper Figure 2, dispatches inputs, switches roles and advances the commit index; {@link Election},
 * {@link FollowerLog} and {@link LeaderState} (with {@link ReadIndexTracker} and
 * {@link MembershipChanges}) do the work of each role.
 */
public final class RaftCore implements ProtocolCore {

    static final long NEVER = Peer.NEVER;
    /** Batches in flight per follower once it is replicating (thesis §10.2.2 pipelining). */
    static final int MAX_INFLIGHT = 8;
    /** The most entry bytes in one AppendEntries. */
    static final long MAX_BATCH_BYTES = 1 << 20;

    final CoreContext context;
    final RaftFaults faults;
    final String self;
    final int electionTicks;
    final int heartbeatTicks;
    final PendingLog log;
    final ReadyBuilder out;
    final ConfigTracker configs;
    final TickTimer electionTimer;
    final Election election;
    final FollowerLog follower;
    /** Non-null exactly while leading. */
    LeaderState leader;

    // Durable (RaftMetadata).
    long term;
    String votedFor;
    long joinedTerm;

    // Volatile.
    RaftRole role = RaftRole.FOLLOWER;
    String leaderId;
    /** The leader this member knows for {@link #term}; never changes within a term. */
    private String termLeader;
    long now;
    long commitIndex;
    /** The log is durable up to here (persisted notices, or everything recovered at start). */
    long durableIndex;
    long appliedIndex;
    /** When a leader was last heard from: votes are refused for an election timeout after (thesis §4.2.3). */
    long lastLeaderContactTick = NEVER;
    /**
     * A member said the configuration it committed at this index does not count this one: this
     * member was removed, and does not campaign until it has committed that far itself (it would,
     * were it added back). Not persisted: after a restart one campaign finds out again.
     */
    long removedIn;
    /** Until the next input, no ticks are needed (see {@link #quiescent()}). */
    boolean quiescent;
    private CoreState reported;
    /** The configuration {@link #selfIsVoter} was computed for. */
    private Membership voterCheckedIn;
    private boolean selfIsVoter;

    public RaftCore(CoreContext context, RaftFaults faults) {
        this.context = Objects.requireNonNull(context, "context");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.self = context.memberId();
        this.electionTicks = context.config().electionTimeoutTicks();
        this.heartbeatTicks = context.config().heartbeatIntervalTicks();
        if (heartbeatTicks < 1 || electionTicks < 2 * heartbeatTicks) {
            throw new IllegalArgumentException("election timeout (" + electionTicks + " ticks) must be at least twice"
                    + " the heartbeat interval (" + heartbeatTicks + " ticks, at least 1)");
        }
        this.log = new PendingLog(context.log());
        this.out = new ReadyBuilder(log);
        this.configs = new ConfigTracker(log, context.bootstrapMembership());
        byte[] metadata = context.log().metadata();
        if (metadata != null) {
            RaftMetadata recovered = RaftMetadata.decode(metadata);
            term = recovered.term();
            votedFor = recovered.votedFor();
            joinedTerm = recovered.joinedTerm();
        } else {
            joinedTerm = context.freshMember() || configs.current() == null ? RaftMetadata.NOT_JOINED : 0;
        }
        commitIndex = log.latestSnapshot().map(SnapshotMeta::index).orElse(0L);
        durableIndex = log.lastIndex();
        // A restarted voter may have heard from a leader just before it stopped: it refuses votes for an
        // election timeout, so that leader's lease stays valid (thesis §6.4.1).
        if (term > 0) {
            lastLeaderContactTick = 0;
        }
        this.electionTimer = TickTimer.randomized(electionTicks, context.random());
        this.election = new Election(this);
        this.follower = new FollowerLog(this);
        this.reported = state();
    }

    // ---- inputs ------------------------------------------------------------------------------

    @Override
    public void tick() {
        quiescent = false;
        now++;
        if (role == RaftRole.LEADER) {
            leader.tick();
        } else if (electionTimer.tick()) {
            election.onElectionTimeout();
        }
    }

    @Override
    public void receive(String from, ProtocolMessage message) {
        if (from == null || from.equals(self) || !(message instanceof RaftMessage)) {
            return; // not ours to use: dropped
        }
        quiescent = false;
        if (message instanceof Quiesce m) {
            if (acceptLeader(from, m.term())) {
                follower.onQuiesce(from, m);
            } else {
                out.send(from, new HeartbeatResponse(term, 0));
            }
        } else if (message instanceof VoteRequest m) {
            election.onVoteRequest(from, m);
        } else if (message instanceof VoteResponse m) {
            election.onVoteResponse(from, m);
        } else if (message instanceof NotMember m) {
            election.onNotMember(from, m);
        } else if (message instanceof AppendEntries m) {
            if (acceptLeader(from, m.term())) {
                follower.onAppendEntries(from, m);
            } else {
                // Answer a stale leader with our term so it steps down (etcd raft issue 9586).
                out.send(from, new AppendResponse(term, false, m.prevLogIndex(), 0, 0));
            }
        } else if (message instanceof Heartbeat m) {
            if (acceptLeader(from, m.term())) {
                follower.onHeartbeat(from, m);
            } else {
                out.send(from, new HeartbeatResponse(term, m.seq()));
            }
        } else if (message instanceof TimeoutNow m) {
            if (acceptLeader(from, m.term())) {
                election.onTimeoutNow();
            }
        } else {
            RaftMessage m = (RaftMessage) message;
            if (m.term() > term) {
                stepDownForTerm(from, m.term());
            } else if (role == RaftRole.LEADER) {
                leader.onResponse(from, m);
            }
        }
    }

    @Override
    public boolean propose(byte[] commands) {
        quiescent = false;
        if (role != RaftRole.LEADER || !leader.acceptsProposals()) {
            return false;
        }
        leader.requested();
        leader.append(EntryKind.COMMANDS, commands);
        return true;
    }

    @Override
    public void read(long readId, ReadConsistency consistency) {
        quiescent = false;
        if (consistency == ReadConsistency.STALE) {
            out.grantRead(readId, commitIndex);
        } else if (role != RaftRole.LEADER) {
            out.outcome(RequestOutcome.failed(readId, Reason.NO_LEADER, notLeader()));
        } else {
            leader.requested();
            leader.reads.read(readId, consistency);
        }
    }

    @Override
    public void changeMembership(long requestId, MembershipChange change) {
        quiescent = false;
        if (role != RaftRole.LEADER) {
            out.outcome(RequestOutcome.failed(requestId, Reason.NO_LEADER, notLeader()));
        } else {
            leader.requested();
            leader.changes.request(requestId, change);
        }
    }

    @Override
    public void transferLeadership(long requestId, String targetId) {
        quiescent = false;
        if (role != RaftRole.LEADER) {
            out.outcome(RequestOutcome.failed(requestId, Reason.NO_LEADER, notLeader()));
        } else {
            leader.requested();
            leader.transfer(requestId, targetId);
        }
    }

    @Override
    public void persisted(long index, long era) {
        if (index > log.lastIndex() || log.eraAt(index) != era) {
            return; // the suffix was rewritten while the sync ran
        }
        durableIndex = Math.max(durableIndex, index);
        if (role == RaftRole.LEADER) {
            leader.maybeCommit();
        }
    }

    @Override
    public void snapshotInstalled(String from, SnapshotMeta meta) {
        quiescent = false;
        if (role == RaftRole.LEADER) {
            becomeFollower(term, null);
        }
        follower.onSnapshotInstalled(from, meta);
    }

    @Override
    public void applied(long index) {
        // After a restart a state machine that persists itself may report more than the core has
        // re-learnt as committed; that is fine, the entries were committed before.
        appliedIndex = Math.max(appliedIndex, index);
    }

    @Override
    public boolean quiescent() {
        return quiescent;
    }

    @Override
    public boolean hasReady() {
        flush();
        return out.hasReady();
    }

    @Override
    public Ready ready() {
        flush();
        return out.build();
    }

    @Override
    public CoreStatus status() {
        List<FollowerProgress> followers = role == RaftRole.LEADER
                ? leader.progress(context.config().tick().toMillis()) : List.of();
        return new CoreStatus(state(), "term " + term, commitIndex, membership(), followers);
    }

    // ---- shared state changes -------------------------------------------------------------------

    /** The configuration in effect, empty for a member that knows none. */
    Membership membership() {
        Membership current = configs.current();
        return current != null ? current : new Membership(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
    }

    /** Whether this member may campaign: it votes in the configuration and is not a fresh member. */
    boolean promotable() {
        Membership current = configs.current();
        return current != null && current.isVoter(self) && joinedTerm != RaftMetadata.NOT_JOINED
                && commitIndex >= removedIn;
    }

    /** Whether this member may vote in {@code electionTerm} (a fresh member only above its joined term). */
    boolean canVoteIn(long electionTerm) {
        return joinedTerm != RaftMetadata.NOT_JOINED && electionTerm > joinedTerm;
    }

    long lastTerm() {
        return log.eraAt(log.lastIndex());
    }

    void persistMetadata() {
        log.writeMetadata(new RaftMetadata(term, votedFor, joinedTerm).encode());
    }

    /**
     * A message from {@code from} claims leadership in {@code messageTerm}: follow it if the term is
     * current (paper §5.1), which also refreshes the lease this member grants it (thesis §4.2.3).
     */
    private boolean acceptLeader(String from, long messageTerm) {
        if (messageTerm < term) {
            return false;
        }
        if (role == RaftRole.LEADER && messageTerm == term) {
            throw new IllegalStateException(self + " is leader of term " + term + " but " + from + " claims it too");
        }
        if (role == RaftRole.LEADER) {
            stepDownForTerm(from, messageTerm);
        }
        if (messageTerm > term || role != RaftRole.FOLLOWER || !from.equals(leaderId)) {
            becomeFollower(messageTerm, from);
        }
        lastLeaderContactTick = now;
        electionTimer.reset();
        if (joinedTerm == RaftMetadata.NOT_JOINED) {
            joinedTerm = term; // a fresh member never votes in this term or below
            persistMetadata();
        }
        return true;
    }

    /** A higher term was seen from {@code from}; a leader transferring to {@code from} has succeeded. */
    void stepDownForTerm(String from, long newTerm) {
        if (role == RaftRole.LEADER) {
            leader.supersededBy(from);
        }
        becomeFollower(newTerm, null);
    }

    void becomeFollower(long newTerm, String newLeader) {
        if (newTerm < term) {
            throw new IllegalStateException("term would go back from " + term + " to " + newTerm);
        }
        if (newTerm > term) {
            term = newTerm;
            votedFor = null;
            termLeader = null;
            persistMetadata();
        }
        if (newLeader != null) {
            if (termLeader != null && !termLeader.equals(newLeader)) {
                throw new IllegalStateException("two leaders in term " + term + ": " + termLeader + " and " + newLeader);
            }
            termLeader = newLeader;
        }
        if (role == RaftRole.LEADER) {
            LeaderState old = leader;
            leader = null;
            old.stepDown();
        }
        role = RaftRole.FOLLOWER;
        leaderId = newLeader;
        electionTimer.reset();
    }

    void becomePreCandidate() {
        role = RaftRole.PRE_CANDIDATE;
        leaderId = null;
    }

    void becomeCandidate() {
        if (role == RaftRole.LEADER) {
            throw new IllegalStateException("a leader does not campaign");
        }
        term++;
        votedFor = self;
        termLeader = null;
        persistMetadata();
        role = RaftRole.CANDIDATE;
        leaderId = null;
    }

    void becomeLeader() {
        if (role != RaftRole.CANDIDATE) {
            throw new IllegalStateException("only a candidate becomes leader, was " + role);
        }
        if (termLeader != null && !termLeader.equals(self)) {
            throw new IllegalStateException("two leaders in term " + term + ": " + termLeader + " and " + self);
        }
        termLeader = self;
        role = RaftRole.LEADER;
        leaderId = self;
        leader = new LeaderState(this);
        leader.start();
    }

    /** Hands out the entries up to {@code index} as committed, in order, each once (paper §5.3). */
    void advanceCommit(long index) {
        if (index <= commitIndex) {
            return;
        }
        if (index > log.lastIndex()) {
            throw new IllegalStateException("commit index " + index + " beyond last index " + log.lastIndex());
        }
        for (long i = commitIndex + 1; i <= index; i++) {
            LogEntry entry = log.entry(i);
            if (entry == null) {
                throw new IllegalStateException("committed entry " + i + " is missing from the log");
            }
            out.commit(entry);
        }
        long before = commitIndex;
        commitIndex = index;
        if (role == RaftRole.LEADER) {
            leader.onCommitted(before);
        }
    }

    /** Sends an acknowledgement that promises what this member stored: only once it is durable. */
    void acknowledge(String to, RaftMessage message) {
        if (faults.acknowledgeBeforePersist()) {
            out.send(to, message);
        } else {
            out.sendAfterPersist(to, message);
        }
    }

    private void flush() {
        if (leader != null) {
            leader.flush();
            if (leader.removedSelf()) {
                becomeFollower(term, null); // thesis §4.2.2: a leader not in C_new steps down once it commits
            }
        }
        // Compared field by field: this runs on every step of every group, and allocates only on a change.
        Role publicRole = publicRole();
        if (reported == null || publicRole != reported.role() || term != reported.era()
                || !java.util.Objects.equals(leaderId, reported.leaderId())) {
            reported = new CoreState(publicRole, leaderId, term);
            out.stateChanged(reported);
        }
    }

    CoreState state() {
        return new CoreState(publicRole(), leaderId, term);
    }

    private Role publicRole() {
        Role publicRole;
        switch (role) {
            case LEADER:
                publicRole = Role.LEADER;
                break;
            case CANDIDATE:
            case PRE_CANDIDATE:
                publicRole = Role.CANDIDATE;
                break;
            default:
                Membership current = configs.current();
                if (current != voterCheckedIn) {
                    // Asked on every step: look the role up again only when the configuration changes.
                    voterCheckedIn = current;
                    selfIsVoter = current != null && current.isVoter(self);
                }
                publicRole = selfIsVoter ? Role.FOLLOWER : Role.LEARNER;
        }
        return publicRole;
    }

    private String notLeader() {
        return leaderId != null ? "not the leader; the leader is " + leaderId : "not the leader; no leader is known";
    }

    // ---- for tests -----------------------------------------------------------------------------

    /** This member's internal role (tests). */
    RaftRole role() {
        return role;
    }

    /** The commit index (tests). */
    long commitIndex() {
        return commitIndex;
    }

    /** The current term (tests). */
    long term() {
        return term;
    }

    @Override
    public String toString() {
        return self + "{" + role + " t" + term + " commit=" + commitIndex + " last=" + log.lastIndex()
                + (leader != null ? " " + leader : "") + "}";
    }
}
