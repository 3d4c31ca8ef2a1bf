package io.consensus.paxos;

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
import io.consensus.core.protocol.PendingLog;
import io.consensus.core.protocol.ReadyBuilder;
import io.consensus.core.protocol.TickTimer;
import io.consensus.paxos.PaxosMessage.Accept;
import io.consensus.paxos.PaxosMessage.Accepted;
import io.consensus.paxos.PaxosMessage.Heartbeat;
import io.consensus.paxos.PaxosMessage.HeartbeatAck;
import io.consensus.paxos.PaxosMessage.Learn;
import io.consensus.paxos.PaxosMessage.Learned;
import io.consensus.paxos.PaxosMessage.Nack;
import io.consensus.paxos.PaxosMessage.NotMember;
import io.consensus.paxos.PaxosMessage.Prepare;
import io.consensus.paxos.PaxosMessage.ProbeGranted;
import io.consensus.paxos.PaxosMessage.Promise;
import io.consensus.paxos.PaxosMessage.Quiesce;
import io.consensus.paxos.PaxosMessage.SnapshotRequest;
import io.consensus.paxos.PaxosMessage.TimeoutNow;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One Multi-Paxos member as a pure state machine (see {@link ProtocolCore}). Every voter is an
 * acceptor and a learner ({@link Acceptor}); one of them at a time is the distinguished proposer,
 * which runs phase 1 once for all slots from its first unchosen one ({@link Candidate}) and then
 * phase 2 per slot, pipelined ({@link Leader}). This class holds the durable acceptor state, the
 * known-chosen prefix and the configuration, dispatches inputs and switches roles.
 */
public final class PaxosCore implements ProtocolCore {

    static final long NEVER = Long.MIN_VALUE / 4;
    /** The most slots a leader has proposed and not yet learnt chosen (new commands wait beyond it). */
    static final int MAX_SLOTS_IN_FLIGHT = 256;
    /** Accept messages in flight per acceptor once it is keeping up. */
    static final int MAX_INFLIGHT_MESSAGES = 8;
    /** The most entry bytes in one Accept, Learn or Promise chunk (at least one entry is always sent). */
    static final long MAX_BATCH_BYTES = 1 << 20;
    /** An acceptor accepts no slot further than this beyond its known-chosen prefix. */
    static final long ACCEPT_AHEAD_SLOTS = 4 * MAX_SLOTS_IN_FLIGHT;
    /** Proposals a leader queues while its window is full or a configuration is being chosen. */
    static final int MAX_QUEUED_PROPOSALS = 4096;

    final CoreContext context;
    final PaxosFaults faults;
    /** Whether LEASE reads use the lease (else they take a quorum round). */
    final boolean leaseReads;
    final String self;
    final int electionTicks;
    final int heartbeatTicks;
    final PendingLog log;
    final ReadyBuilder out;
    final Configs configs;
    final TickTimer electionTimer;
    final Acceptor acceptor;

    // Durable (PaxosMetadata).
    long promised;
    String promisedBy;
    long joined;
    long amnesiaUntil;
    long acceptedThrough;
    long configSlot;
    Membership configAtSlot;

    // Volatile.
    PaxosRole role = PaxosRole.FOLLOWER;
    String leaderId;
    /** The ballot {@link #leaderId} leads with. */
    long leaderBallot;
    long now;
    /**
     * Every slot up to here is known chosen and was handed out; its value is in the log, the snapshot,
     * or (after the runtime restored an older snapshot and wiped the log) at least applied.
     */
    long commitIndex;
    long appliedIndex;
    /** Entries the runtime could wipe under a received snapshot, to write back. */
    final Safekeeping safekeeping;
    long maxRoundSeen;
    long lastLeaderContactTick = NEVER;
    /** When this member last asked an acceptor for its snapshot as a lagging candidate. */
    long snapshotRequestTick = NEVER;
    /**
     * A member said the configuration chosen in this slot does not count this one: it does not campaign
     * until it has learnt that far itself (see {@link NotMember}).
     */
    long removedIn;
    /** Non-null exactly while a candidate. */
    Candidate candidate;
    /** Non-null exactly while leading. */
    Leader leader;
    /** Until the next input, no ticks are needed (see {@link #quiescent()}). */
    boolean quiescent;
    private CoreState reported;

    /** A core with lease reads on (see {@link PaxosProtocol#PaxosProtocol(PaxosFaults, boolean)}). */
    public PaxosCore(CoreContext context, PaxosFaults faults) {
        this(context, faults, true);
    }

    public PaxosCore(CoreContext context, PaxosFaults faults, boolean leaseReads) {
        this.context = Objects.requireNonNull(context, "context");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.leaseReads = leaseReads;
        this.self = context.memberId();
        this.electionTicks = context.config().electionTimeoutTicks();
        this.heartbeatTicks = context.config().heartbeatIntervalTicks();
        if (heartbeatTicks < 1 || electionTicks < 2 * heartbeatTicks) {
            throw new IllegalArgumentException("election timeout (" + electionTicks + " ticks) must be at least twice"
                    + " the heartbeat interval (" + heartbeatTicks + " ticks, at least 1)");
        }
        this.log = new PendingLog(context.log());
        this.out = new ReadyBuilder(log);
        SnapshotMeta snapshot = log.latestSnapshot().orElse(null);
        this.configs = snapshot != null ? new Configs(snapshot.membership(), snapshot.index())
                : new Configs(context.bootstrapMembership(), 0);
        byte[] metadata = context.log().metadata();
        if (metadata != null) {
            PaxosMetadata recovered = PaxosMetadata.decode(metadata);
            promised = recovered.promised();
            promisedBy = recovered.promisedBy();
            joined = recovered.joined();
            amnesiaUntil = recovered.amnesiaUntil();
            acceptedThrough = recovered.acceptedThrough();
            configSlot = recovered.configSlot();
            configAtSlot = recovered.config();
        } else {
            promisedBy = "";
            joined = context.freshMember() ? PaxosMetadata.NOT_JOINED : 0;
            if (context.bootstrapMembership() != null && snapshot == null) {
                configAtSlot = context.bootstrapMembership(); // the runtime passes it only on the first start
            }
            // A restart must know the bootstrap configuration, and that a fresh member has not joined yet.
            persistMetadata();
        }
        if (configAtSlot != null) {
            configs.record(configSlot, configAtSlot);
        }
        commitIndex = snapshot != null ? snapshot.index() : 0;
        appliedIndex = commitIndex;
        this.safekeeping = new Safekeeping(log, appliedIndex);
        if (log.lastIndex() < acceptedThrough && !faults.forgetWipedSlots()) {
            // A crash came between the runtime wiping slots under a snapshot and their rewrite.
            amnesiaUntil = Math.max(amnesiaUntil, acceptedThrough);
            persistMetadata();
        }
        maxRoundSeen = Ballot.round(promised);
        if (promised != Ballot.NONE) {
            // It may have acknowledged a leader just before it stopped: honour that leader's lease.
            lastLeaderContactTick = 0;
        }
        this.electionTimer = TickTimer.randomized(electionTicks, context.random());
        this.acceptor = new Acceptor(this);
        recoverChosenPrefix();
        this.reported = state();
    }

    /**
     * A restart knows the slot of the latest configuration it learnt chosen (metadata): everything up
     * to it is chosen and durable, so it is handed out again at once and the configuration is known.
     * The target is read once: handing out an earlier configuration on the way moves {@link #configSlot}
     * back until the loop reaches the latest one again.
     */
    private void recoverChosenPrefix() {
        if (configAtSlot == null || configSlot <= commitIndex) {
            return;
        }
        long through = configSlot;
        for (long slot = commitIndex + 1; slot <= through; slot++) {
            LogEntry entry = log.entry(slot);
            if (entry == null) {
                return; // cannot happen unless storage lost it; relearn from the leader
            }
            commitEntry(entry);
        }
    }

    // ---- inputs ------------------------------------------------------------------------------

    @Override
    public void tick() {
        quiescent = false;
        now++;
        if (leader != null) {
            leader.tick();
            return;
        }
        if (electionTimer.tick() && canCampaign()) {
            campaign(Ballot.NONE, true);
        }
    }

    @Override
    public void receive(String from, ProtocolMessage message) {
        if (from == null || from.equals(self) || !(message instanceof PaxosMessage)) {
            return; // not ours to use: dropped
        }
        PaxosMessage m = (PaxosMessage) message;
        quiescent = false;
        maxRoundSeen = Math.max(maxRoundSeen, Ballot.round(m.ballot()));
        if (m instanceof Quiesce q) {
            acceptor.onQuiesce(from, q);
        } else if (m instanceof Prepare p) {
            acceptor.onPrepare(from, p);
        } else if (m instanceof Accept a) {
            acceptor.onAccept(from, a);
        } else if (m instanceof Heartbeat h) {
            acceptor.onHeartbeat(from, h);
        } else if (m instanceof Learn l) {
            acceptor.onLearn(from, l);
        } else if (m instanceof TimeoutNow t) {
            acceptor.onTimeoutNow(from, t);
        } else if (m instanceof SnapshotRequest) {
            acceptor.onSnapshotRequest(from);
        } else if (m instanceof Nack n) {
            onNack(from, n);
        } else if (m instanceof NotMember n) {
            onNotMember(from, n);
        } else if (m instanceof Promise p) {
            if (candidate != null && p.ballot() == candidate.ballot) {
                candidate.onPromise(from, p);
            }
        } else if (m instanceof ProbeGranted g) {
            if (candidate != null && g.ballot() == candidate.ballot) {
                candidate.onProbeGranted(from);
            }
        } else if (leader != null) {
            if (m instanceof Accepted a) {
                leader.onAccepted(from, a);
            } else if (m instanceof HeartbeatAck h) {
                leader.onHeartbeatAck(from, h);
            } else if (m instanceof Learned l) {
                leader.onLearned(from, l);
            }
        }
    }

    @Override
    public boolean propose(byte[] commands) {
        quiescent = false;
        if (leader == null) {
            return false;
        }
        leader.requested();
        return leader.propose(EntryKind.COMMANDS, commands, -1);
    }

    @Override
    public void read(long readId, ReadConsistency consistency) {
        quiescent = false;
        if (consistency == ReadConsistency.STALE) {
            out.grantRead(readId, commitIndex);
        } else if (leader == null) {
            out.outcome(RequestOutcome.failed(readId, Reason.NO_LEADER, notLeader()));
        } else {
            leader.requested();
            leader.reads.read(readId, consistency);
        }
    }

    @Override
    public void changeMembership(long requestId, MembershipChange change) {
        quiescent = false;
        if (leader == null) {
            out.outcome(RequestOutcome.failed(requestId, Reason.NO_LEADER, notLeader()));
        } else {
            leader.requested();
            leader.requests.changeMembership(requestId, change);
        }
    }

    @Override
    public void transferLeadership(long requestId, String targetId) {
        quiescent = false;
        if (leader == null) {
            out.outcome(RequestOutcome.failed(requestId, Reason.NO_LEADER, notLeader()));
        } else {
            leader.requested();
            leader.requests.transfer(requestId, targetId);
        }
    }

    @Override
    public void persisted(long index, long era) {
        if (leader != null) {
            leader.persisted(index, era);
        }
    }

    @Override
    public void snapshotInstalled(String from, SnapshotMeta meta) {
        quiescent = false;
        stepDown(null);
        if (log.lastIndex() <= meta.index() && acceptedThrough > meta.index() && !faults.forgetWipedSlots()) {
            // The runtime emptied the log under the snapshot. Slots above it that this acceptor accepted
            // must not be forgotten: a leader may have counted them towards a quorum. Write them back.
            for (LogEntry entry : safekeeping.above(meta.index())) {
                log.put(entry);
            }
            long lost = safekeeping.unkeptAbove(meta.index());
            if (lost > meta.index()) {
                // Not kept (a restart loaded only the highest entries): treated as forgotten. Promises say
                // so until it has learnt them chosen, and a candidate does not rely on its report for them.
                amnesiaUntil = Math.max(amnesiaUntil, lost);
                persistMetadata();
            }
        }
        safekeeping.installed(meta.index());
        configs.reset(meta.index(), meta.membership());
        // Slots up to what was applied stay known chosen even if the runtime wiped their entries (it may
        // restore a snapshot older than slots already handed out); above that, chosen values not written
        // back are learnt again from the leader.
        long learnt = Math.max(meta.index(), Math.min(commitIndex, appliedIndex));
        while (learnt < commitIndex && log.entry(learnt + 1) != null) {
            learnt++;
        }
        commitIndex = learnt;
        if (configSlot > commitIndex || configSlot < meta.index()) {
            configSlot = meta.index();
            configAtSlot = meta.membership();
            persistMetadata();
        }
        clearAmnesiaIfLearnt();
        acknowledge(from, new Learned(promised, commitIndex));
    }

    @Override
    public void applied(long index) {
        appliedIndex = Math.max(appliedIndex, index);
        safekeeping.applied(Math.min(appliedIndex, commitIndex));
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
        List<FollowerProgress> followers = leader != null
                ? leader.progress(context.config().tick().toMillis()) : List.of();
        long ballot = leader != null ? leader.ballot : promised;
        return new CoreStatus(state(), "ballot " + Ballot.describe(ballot) + (leaderId != null ? " led by " + leaderId : ""),
                commitIndex, membership(), followers);
    }

    // ---- configuration and eligibility ------------------------------------------------------------

    /** The configuration governing the first slot not known chosen; empty if none is known. */
    Membership membership() {
        Membership current = configs.at(commitIndex + 1);
        return current != null ? current : new Membership(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
    }

    boolean isVoter() {
        Membership current = configs.at(commitIndex + 1);
        return current != null && current.isVoter(self);
    }

    /**
     * Whether this acceptor may promise {@code ballot}: not while it has not rejoined after losing its
     * disk, nor at or below the ballot it rejoined in (Paxos Made Live §5.1). An amnesic acceptor does
     * promise, saying what it may have forgotten ({@link Promise#forgotThrough()}).
     */
    boolean mayPromise(long ballot) {
        return joined != PaxosMetadata.NOT_JOINED && ballot > joined;
    }

    /** Whether this member may run phase 1: a voter that may promise its own next ballot. */
    boolean canCampaign() {
        Membership current = configs.at(commitIndex + 1);
        return current != null && current.isVoter(self) && joined != PaxosMetadata.NOT_JOINED && amnesiaUntil == 0
                && leader == null && commitIndex >= removedIn;
    }

    // ---- role changes ------------------------------------------------------------------------------

    /**
     * Starts phase 1 with a ballot above every one seen (Paxos Made Simple §2.2, §2.4), after a probe
     * unless {@code probe} is false (a transfer, or a leader that needs a new ballot).
     */
    void campaign(long transferFrom, boolean probe) {
        if (leader != null) {
            throw new IllegalStateException(self + " campaigns while leading ballot " + Ballot.describe(leader.ballot));
        }
        Membership current = configs.at(commitIndex + 1);
        long round = Math.max(maxRoundSeen, Ballot.round(promised)) + 1;
        long ballot = Ballot.of(round, Configs.ordinal(current, self));
        maxRoundSeen = round;
        role = PaxosRole.CANDIDATE;
        leaderId = null;
        candidate = new Candidate(this, ballot, commitIndex + 1, current, transferFrom);
        electionTimer.reset();
        candidate.start(probe);
    }

    /** Phase 1 succeeded: lead with the candidate's ballot, proposing the recovered values first. */
    void becomeLeader(Candidate won, List<LogEntry> recovered, java.util.Set<Long> knownChosen) {
        if (candidate != won || role != PaxosRole.CANDIDATE) {
            throw new IllegalStateException("only the current candidate becomes leader");
        }
        if (promised != won.ballot) {
            throw new IllegalStateException("leading ballot " + Ballot.describe(won.ballot) + " but promised "
                    + Ballot.describe(promised));
        }
        candidate = null;
        role = PaxosRole.LEADER;
        leaderId = self;
        leaderBallot = won.ballot;
        // It may have learnt more chosen slots during phase 1: it proposes only after them (their values
        // are the recovered ones, by P2c, and may be compacted by now).
        long firstSlot = Math.max(won.fromSlot, commitIndex + 1);
        List<LogEntry> proposals = recovered.stream().filter(e -> e.index() >= firstSlot).toList();
        leader = new Leader(this, won.ballot, firstSlot, proposals, knownChosen);
        leader.start();
    }

    /**
     * Stops leading or campaigning. {@code supersededBy} is the member whose higher ballot caused it,
     * which completes a leadership transfer to it.
     */
    void stepDown(String supersededBy) {
        if (leader != null) {
            Leader old = leader;
            leader = null;
            old.stepDown(supersededBy);
        }
        candidate = null;
        if (role != PaxosRole.FOLLOWER) {
            role = PaxosRole.FOLLOWER;
            leaderId = null;
            electionTimer.reset();
        }
    }

    /**
     * A member of {@code ballot} acts as leader and this member did not refuse it: follow it. A
     * candidate here is only probing (it promised nothing) or campaigns below this ballot: it stops.
     * Hearing from the leader refreshes the refusal lease the leader's lease reads rely on, before
     * any acknowledgement leaves.
     */
    void followLeader(String from, long ballot) {
        if (leader != null && ballot == leader.ballot) {
            throw new IllegalStateException("two leaders of ballot " + Ballot.describe(ballot) + ": " + self + " and " + from);
        }
        if (candidate != null || (leader != null && ballot > leader.ballot)) {
            stepDown(from);
        }
        if (ballot > promised) {
            promise(ballot, from);
        }
        if (leader == null) {
            leaderId = from;
            leaderBallot = ballot;
            lastLeaderContactTick = now;
            electionTimer.reset();
        }
    }

    /** Raises the promised ballot durably (phase 1b); it never goes down. */
    void promise(long ballot, String by) {
        if (ballot < promised) {
            throw new IllegalStateException("promised ballot would go back from " + Ballot.describe(promised) + " to "
                    + Ballot.describe(ballot));
        }
        promised = ballot;
        promisedBy = by;
        maxRoundSeen = Math.max(maxRoundSeen, Ballot.round(ballot));
        persistMetadata();
    }

    /**
     * Promises the marker just above {@code ballot}'s round, which no member proposes with: every holder
     * of {@code ballot} or below, this member included, must start a new ballot.
     */
    void supersede(long ballot) {
        long marker = Ballot.markerAbove(ballot);
        if (marker <= promised) {
            return;
        }
        long own = leader != null ? leader.ballot : candidate != null ? candidate.ballot : Ballot.NONE;
        if (own != Ballot.NONE && own < marker) {
            stepDown(null);
        }
        promise(marker, "");
    }

    /**
     * This member, which started with an empty disk, has been brought up to date by the leader of
     * {@code ballot}: from now on it promises and accepts only above that ballot, because before its
     * disk was lost it may have promised anything up to it (Paxos Made Live §5.1).
     */
    void join(long ballot) {
        if (joined != PaxosMetadata.NOT_JOINED) {
            return;
        }
        joined = ballot;
        persistMetadata();
    }

    private void onNack(String from, Nack m) {
        maxRoundSeen = Math.max(maxRoundSeen, Ballot.round(m.promised()));
        long own = leader != null ? leader.ballot : candidate != null ? candidate.ballot : Ballot.NONE;
        if (own == Ballot.NONE || m.ballot() != own) {
            return;
        }
        if (m.promised() > own) {
            // Pre-empted by a higher ballot. A marker ballot means an acceptor needs a new ballot (it rejoined
            // after losing its disk, or saw this ballot used by another member): a healthy leader starts one
            // at once; otherwise back off (randomized).
            boolean rejoinMarker = leader != null && Ballot.ordinal(m.promised()) == 0;
            stepDown(null);
            if (rejoinMarker && canCampaign()) {
                campaign(Ballot.NONE, false);
            }
        } else if (candidate != null) {
            candidate.onRefused(from);
        }
    }

    /**
     * A member refused this one's candidacy as not in the group. If it knows a later configuration
     * than this member does, this member was removed: it stops campaigning until it has learnt that
     * configuration. Otherwise the refuser is behind, and it counts as an ordinary refusal.
     */
    private void onNotMember(String from, NotMember m) {
        if (candidate == null || m.ballot() != candidate.ballot) {
            return;
        }
        if (m.configSlot() > commitIndex) {
            removedIn = Math.max(removedIn, m.configSlot());
            stepDown(null);
        } else {
            candidate.onRefused(from);
        }
    }

    // ---- learning --------------------------------------------------------------------------------

    /** A leader says {@code config}, chosen in {@code slot}, governs the slots after it (up to the next one). */
    void learnConfig(long slot, Membership config) {
        if (slot > commitIndex) {
            return;
        }
        configs.record(slot, config);
        if (configAtSlot == null || slot > configSlot) {
            configSlot = slot;
            configAtSlot = config;
            persistMetadata();
        }
    }

    /** Hands out the next chosen slot (learners apply strictly in slot order). */
    void commitEntry(LogEntry entry) {
        if (entry.index() != commitIndex + 1) {
            throw new IllegalStateException("chosen slot " + entry.index() + " handed out after " + commitIndex);
        }
        commitIndex = entry.index();
        out.commit(entry);
        Membership chosenConfig = configs.chosen(entry);
        if (chosenConfig != null) {
            configSlot = entry.index();
            configAtSlot = chosenConfig;
            persistMetadata();
        }
        clearAmnesiaIfLearnt();
    }

    /**
     * The leader of {@code ballot} says slots up to {@code leaderCommit} are chosen. An entry this
     * acceptor accepted in that very ballot holds that leader's value for its slot, so it is the
     * chosen one; older entries and holes wait for a {@link Learn}.
     */
    void learnCommit(long ballot, long leaderCommit) {
        while (commitIndex < leaderCommit) {
            LogEntry entry = log.entry(commitIndex + 1);
            if (entry == null || entry.era() != ballot) {
                return;
            }
            commitEntry(entry);
        }
    }

    private void clearAmnesiaIfLearnt() {
        if (amnesiaUntil > 0 && commitIndex >= amnesiaUntil) {
            amnesiaUntil = 0;
            persistMetadata();
        }
    }

    /** Writes an entry to the log: it replaces only its own slot (holes and later slots stay). */
    void write(LogEntry entry) {
        log.put(entry);
        safekeeping.written(entry);
        if (entry.index() > acceptedThrough) {
            acceptedThrough = entry.index();
            persistMetadata();
        }
    }

    void persistMetadata() {
        log.writeMetadata(new PaxosMetadata(promised, promisedBy, joined, amnesiaUntil, acceptedThrough, configSlot,
                configAtSlot).encode());
    }

    /** Sends a message that reports durable acceptor state (promise, accepted, learned): after persistence. */
    void acknowledge(String to, PaxosMessage message) {
        if (faults.acceptWithoutPersist()) {
            out.send(to, message);
        } else {
            out.sendAfterPersist(to, message);
        }
    }

    static boolean sameValue(LogEntry a, LogEntry b) {
        return a.kind() == b.kind() && Arrays.equals(a.payload(), b.payload());
    }

    private void flush() {
        if (leader != null) {
            leader.flush();
            if (leader != null && leader.removedSelf()) {
                stepDown(null); // its removal is chosen: it no longer votes, so it no longer leads
            }
        }
        CoreState state = state();
        if (!state.equals(reported)) {
            reported = state;
            out.stateChanged(state);
        }
    }

    CoreState state() {
        Role publicRole;
        switch (role) {
            case LEADER:
                publicRole = Role.LEADER;
                break;
            case CANDIDATE:
                publicRole = Role.CANDIDATE;
                break;
            default:
                publicRole = isVoter() ? Role.FOLLOWER : Role.LEARNER;
        }
        return new CoreState(publicRole, leaderId, leader != null ? leader.ballot : promised);
    }

    private String notLeader() {
        return leaderId != null ? "not the leader; the leader is " + leaderId : "not the leader; no leader is known";
    }

    // ---- for tests -----------------------------------------------------------------------------

    PaxosRole role() {
        return role;
    }

    long commitIndex() {
        return commitIndex;
    }

    long promised() {
        return promised;
    }

    @Override
    public String toString() {
        return self + "{" + role + " promised=" + Ballot.describe(promised) + " commit=" + commitIndex + " last="
                + log.lastIndex() + (leader != null ? " " + leader : "") + "}";
    }
}
