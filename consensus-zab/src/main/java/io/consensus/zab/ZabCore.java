package io.consensus.zab;

import io.consensus.api.FollowerProgress;
import io.consensus.api.Member;
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
import io.consensus.core.protocol.MembershipCodec;
import io.consensus.core.protocol.PendingLog;
import io.consensus.core.protocol.ReadyBuilder;
import io.consensus.zab.ZabMessage.History;
import io.consensus.zab.ZabMessage.Notification;
import io.consensus.zab.ZabMessage.PeerState;
import io.consensus.zab.ZabMessage.TakingOver;
import io.consensus.zab.ZabMessage.Vote;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One Zab member as a pure state machine (see {@link ProtocolCore}): Fast Leader Election, then the
 * three phases of Junqueira, Reed and Serafini (DSN 2011, §IV) — discovery, synchronization and
 * broadcast — with the ordering lessons ZooKeeper learnt in production. This class holds the durable
 * epochs, the log and commit bookkeeping and switches roles; {@link Election}, {@link Follower} and
 * {@link Leader} (with {@link ReadTracker} and {@link MembershipChanges}) do the work of each role.
 *
 * <p>Positions: the log's index is the contiguous transaction number and an entry's era is its
 * epoch. The zxid {@code (epoch, counter)} is derived: each established epoch's first transaction is
 * the NOOP its leader appends with NEWLEADER (counter 0, ZooKeeper's NEWLEADER zxid), so
 * {@code counter = index - index(first transaction of epoch)}. Within one epoch counters and indexes
 * grow together, so ordering histories by (epoch of last transaction, last index) is the zxid order.
 */
public final class ZabCore implements ProtocolCore {

    static final long NEVER = Long.MIN_VALUE / 4;
    /** Batches in flight per follower once it acknowledges (pipelining). */
    static final int MAX_INFLIGHT = 8;
    /** The most transaction bytes in one PROPOSAL. */
    static final long MAX_BATCH_BYTES = 1 << 20;

    /** What this member is doing (ZooKeeper's {@code ServerState}; observers follow too). */
    enum ZabRole { LOOKING, FOLLOWING, LEADING }

    final CoreContext context;
    final ZabFaults faults;
    /** Whether LEASE reads may be served from the lease (see {@link ZabProtocol#ZabProtocol(ZabFaults, boolean)}). */
    final boolean leaseReads;
    final String self;
    final int electionTicks;
    final int heartbeatTicks;
    final PendingLog log;
    final ReadyBuilder out;
    final ConfigTracker configs;
    final Election election;
    Follower follower;
    Leader leader;

    /** The epochs as this member acts on them; durable as written, see {@link #writeMetadata}. */
    ZabMetadata meta;
    private ZabMetadata written;

    ZabRole role = ZabRole.LOOKING;
    long now;
    /** The log is durable up to here (persisted notices, or everything recovered at start). */
    long durableIndex;
    /** Highest index known committed. */
    long commitIndex;
    /** Committed transactions handed to the runtime up to here. */
    long emittedIndex;
    long appliedIndex;
    /**
     * When this member last heard from a leader it had acknowledged an epoch to: it acknowledges no
     * new epoch for an election timeout after, so that leader's lease stays valid.
     */
    long leaseContactTick;
    /** The epoch of the leader {@link #leaseContactTick} was last heard from; -1 if unknown (after a restart). */
    long leaseEpoch = -1;
    /** The leadership transfer this member was asked for and that is not over yet, or null. */
    LeadershipTransfer transfer;
    /**
     * The snapshot this member's state holds (index and epoch): the one recovered at start, one the
     * runtime announced with {@link #snapshotInstalled}, or one it took of state already handed out.
     * Storage may show a received snapshot before it is announced; that one is not trusted yet.
     */
    long snapshotIndex;
    long snapshotEra;
    /** The log holds every transaction from here to its last (see {@link Histories.Based#contiguousFrom}). */
    private long contiguousFrom;
    /** Only with {@link ZabFaults#snapInMemoryOnly}: the snapshot position this member pretends to hold. */
    long[] virtualBase;
    /** How this member was last synchronized (DIFF, TRUNC, SNAP), for status and tests. */
    Histories.Mode lastSyncMode;
    /** Until the next input, no ticks are needed (see {@link #quiescent()}); never persisted. */
    boolean quiescent;
    private CoreState reported;

    public ZabCore(CoreContext context, ZabFaults faults) {
        this(context, faults, true);
    }

    public ZabCore(CoreContext context, ZabFaults faults, boolean leaseReads) {
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
        byte[] stored = context.log().metadata();
        boolean empty = context.log().lastIndex() == 0 && context.log().latestSnapshot().isEmpty();
        if (stored != null) {
            meta = ZabMetadata.decode(stored);
        } else if (context.freshMember()) {
            meta = ZabMetadata.INITIAL.withJoined(ZabMetadata.NOT_JOINED);
        } else {
            meta = ZabMetadata.INITIAL;
        }
        written = stored != null ? meta : null;
        if (empty && context.bootstrapMembership() != null) {
            // The initial configuration becomes transaction 1 of epoch 0 on every bootstrapping member,
            // identical everywhere, so it survives restarts and reaches later members by DIFF.
            log.put(new LogEntry(1, 0, EntryKind.CONFIG, MembershipCodec.encode(context.bootstrapMembership())));
        }
        if (written == null) {
            writeMetadata(meta);
        }
        this.configs = new ConfigTracker(log, null);
        log.latestSnapshot().ifPresent(snapshot -> {
            snapshotIndex = snapshot.index();
            snapshotEra = snapshot.era();
        });
        contiguousFrom = Histories.Based.contiguousBelow(log, snapshotIndex);
        long base = snapshotIndex;
        // Everything recovered is durable. A snapshot may reach beyond the log when a crash came
        // between installing it and the log's truncation becoming durable.
        durableIndex = Math.max(context.log().lastIndex(), base);
        commitIndex = base;
        emittedIndex = base;
        // A restarted member may have granted a lease just before it stopped (see leaseContactTick).
        leaseContactTick = meta.acceptedEpoch() > 0 ? 0 : NEVER;
        this.election = new Election(this);
        this.reported = state();
        election.start();
    }

    // ---- inputs ------------------------------------------------------------------------------

    @Override
    public void tick() {
        quiescent = false;
        now++;
        refreshSnapshot();
        if (role == ZabRole.LEADING) {
            leader.tick();
        } else if (role == ZabRole.FOLLOWING) {
            follower.tick();
        } else {
            election.tick();
        }
    }

    @Override
    public void receive(String from, ProtocolMessage message) {
        if (from == null || from.equals(self) || !(message instanceof ZabMessage)) {
            return; // not ours to use: dropped
        }
        quiescent = false; // a Quiesce from our leader sets it again
        refreshSnapshot();
        if (message instanceof Notification n) {
            onNotification(from, n);
        } else if (message instanceof TakingOver m) {
            onTakingOver(from, m.epoch());
        } else if (role == ZabRole.LEADING) {
            leader.receive(from, (ZabMessage) message);
        } else if (role == ZabRole.FOLLOWING && from.equals(follower.leaderId)) {
            follower.receive((ZabMessage) message);
        }
    }

    private void onNotification(String from, Notification n) {
        if (role == ZabRole.LOOKING) {
            election.onNotification(from, n);
        } else if (n.state() == PeerState.LOOKING) {
            if (role == ZabRole.LEADING && leader.epoch >= 0 && n.participant() && isVoter(from)
                    && n.acceptedEpoch() > leader.epoch) {
                // It accepted a newer epoch (from a prospective leader that failed) and can never join
                // ours: hold a new election, whose epoch will be above its.
                lookForLeader("voter " + from + " accepted epoch " + n.acceptedEpoch() + " above ours");
                return;
            }
            // A member looking for a leader learns whom we follow or that we lead (FLE's reply).
            out.send(from, settledNotification());
        }
    }

    /**
     * {@code from} leads at the request of the leader of {@code epoch}, which revoked its lease before
     * asking: a lease granted to that leader need not be waited out, and whoever still follows (or is)
     * that leader connects to {@code from}. Looking members find it through the election.
     */
    private void onTakingOver(String from, long epoch) {
        waiveLease(epoch);
        if (role == ZabRole.LEADING && leader.epoch == epoch) {
            if (transfer != null) {
                transfer.markHandedOver();
            }
            follow(from);
        } else if (role == ZabRole.FOLLOWING && follower.epoch == epoch && !follower.leaderId.equals(from)) {
            follow(from);
        }
    }

    /** What a following or leading member tells a looking one. */
    Notification settledNotification() {
        String leaderId = role == ZabRole.LEADING ? self : follower.leaderId;
        PeerState state = role == ZabRole.LEADING ? PeerState.LEADING : PeerState.FOLLOWING;
        long lastIndex = lastIndex();
        Vote vote = new Vote(leaderId, meta.acceptedEpoch(), lastEra(), lastIndex);
        return new Notification(election.round, state, participant(), vote, meta.acceptedEpoch());
    }

    @Override
    public boolean propose(byte[] commands) {
        quiescent = false;
        refreshSnapshot();
        if (role != ZabRole.LEADING || !leader.acceptsProposals()) {
            return false;
        }
        leader.requested();
        leader.append(EntryKind.COMMANDS, commands);
        return true;
    }

    @Override
    public void read(long readId, ReadConsistency consistency) {
        quiescent = false;
        refreshSnapshot();
        if (consistency == ReadConsistency.STALE) {
            out.grantRead(readId, emittedIndex);
        } else if (role != ZabRole.LEADING) {
            out.outcome(RequestOutcome.failed(readId, Reason.NO_LEADER, notLeader()));
        } else {
            leader.requested();
            leader.reads.read(readId, consistency);
        }
    }

    @Override
    public void changeMembership(long requestId, MembershipChange change) {
        quiescent = false;
        refreshSnapshot();
        if (role != ZabRole.LEADING) {
            out.outcome(RequestOutcome.failed(requestId, Reason.NO_LEADER, notLeader()));
        } else {
            leader.requested();
            leader.changes.request(requestId, change);
        }
    }

    @Override
    public void transferLeadership(long requestId, String targetId) {
        quiescent = false;
        refreshSnapshot();
        if (role != ZabRole.LEADING || !leader.established()) {
            out.outcome(RequestOutcome.failed(requestId, Reason.NO_LEADER, notLeader()));
            return;
        }
        leader.requested();
        if (targetId.equals(self)) {
            out.outcome(RequestOutcome.ok(requestId));
        } else if (transfer != null) {
            out.outcome(RequestOutcome.failed(requestId, Reason.INVALID, "a transfer to " + transfer.target
                    + " is in progress"));
        } else if (!isVoter(targetId)) {
            out.outcome(RequestOutcome.failed(requestId, Reason.INVALID, targetId + " is not a voter"));
        } else if (leader.changes.inProgress()) {
            out.outcome(RequestOutcome.failed(requestId, Reason.INVALID, "a membership change is in progress"));
        } else {
            transfer = new LeadershipTransfer(this, requestId, targetId, leader.epoch); // proposals stop
        }
    }

    /** Whether a transfer keeps this leader from proposing: asked for, and the target has not taken over. */
    boolean transferring() {
        return transfer != null && !transfer.handedOver();
    }

    @Override
    public void persisted(long index, long era) {
        refreshSnapshot();
        if (index > lastIndex() || eraAt(index) != era) {
            return; // the suffix was rewritten while the sync ran
        }
        durableIndex = Math.max(durableIndex, index);
        if (role == ZabRole.LEADING) {
            leader.maybeCommit();
        }
        emitCommitted();
    }

    @Override
    public void snapshotInstalled(String from, SnapshotMeta meta) {
        quiescent = false;
        // The runtime installed the snapshot durably and replaced the log up to it; what followed it is
        // either gone (today's runtime truncates the whole log) or kept when it extends the snapshot.
        configs.snapshotInstalled(meta);
        snapshotIndex = meta.index();
        snapshotEra = meta.era();
        contiguousFrom = meta.index() + 1; // the runtime compacted everything up to it
        boolean suffixKept = log.lastIndex() > meta.index() && log.entry(log.lastIndex()) != null;
        durableIndex = suffixKept ? Math.max(durableIndex, meta.index()) : meta.index();
        commitIndex = Math.max(commitIndex, meta.index());
        emittedIndex = Math.max(emittedIndex, meta.index()); // the state machine now holds it
        virtualBase = null;
        if (role == ZabRole.FOLLOWING) {
            follower.onSnapshotInstalled(meta, suffixKept);
        } else if (role == ZabRole.LEADING && !suffixKept) {
            lookForLeader("a snapshot replaced the leader's log");
        }
    }

    @Override
    public void applied(long index) {
        appliedIndex = Math.max(appliedIndex, index);
        refreshSnapshot();
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
        List<FollowerProgress> followers = role == ZabRole.LEADING
                ? leader.progress(context.config().tick().toMillis()) : List.of();
        return new CoreStatus(state(), eraDetail(), commitIndex, membership(), followers);
    }

    // ---- roles ---------------------------------------------------------------------------------

    /** Back to leader election (ZooKeeper's LOOKING), after a timeout, a refusal or a lost quorum. */
    void lookForLeader(String reason) {
        if (role == ZabRole.LEADING) {
            Leader old = leader;
            leader = null;
            old.stepDown(reason);
        }
        follower = null;
        role = ZabRole.LOOKING;
        election.start();
    }

    /** FLE chose {@code leaderId}: connect to it (phase 1 starts). */
    void follow(String leaderId) {
        if (leaderId.equals(self)) {
            throw new IllegalStateException(self + " cannot follow itself");
        }
        if (role == ZabRole.LEADING) {
            lookForLeader("following " + leaderId);
        }
        role = ZabRole.FOLLOWING;
        follower = new Follower(this, leaderId);
        follower.start();
    }

    /** FLE chose this member: become the prospective leader (phase 1 starts). */
    void lead() {
        lead(Leader.NO_TRANSFER);
    }

    /**
     * The leader of {@code epoch} asked this follower to take over: it leads at once, without an
     * election, and no longer waits out the lease it granted that leader, which revoked it.
     */
    void takeOver(long epoch) {
        waiveLease(epoch);
        lead(epoch);
    }

    private void lead(long transferFrom) {
        if (!mayLead()) {
            throw new IllegalStateException(self + " may not lead");
        }
        follower = null;
        role = ZabRole.LEADING;
        leader = new Leader(this, transferFrom);
        leader.start();
    }

    // ---- durable epochs ------------------------------------------------------------------------

    /** Accepts {@code epoch} from {@code leaderId} (f.p := e), durably from the next sync on. */
    void acceptEpoch(long epoch, String leaderId) {
        if (epoch <= meta.acceptedEpoch()) {
            throw new IllegalStateException("accepted epoch would not grow: " + meta.acceptedEpoch() + " -> " + epoch);
        }
        writeMetadata(meta.withAccepted(epoch, leaderId));
    }

    /** Adopts {@code epoch} as current (f.a := e): the history it was synchronized to is in the log. */
    void setCurrentEpoch(long epoch) {
        if (epoch > meta.acceptedEpoch() || epoch < meta.currentEpoch()) {
            throw new IllegalStateException("current epoch " + epoch + " outside [" + meta.currentEpoch() + ", "
                    + meta.acceptedEpoch() + "]");
        }
        if (epoch != meta.currentEpoch()) {
            writeMetadata(meta.withCurrent(epoch));
        }
    }

    /** A fresh member was brought up to date in {@code epoch}: it takes part in quorums after it. */
    void joined(long epoch) {
        if (!meta.joined()) {
            writeMetadata(meta.withJoined(epoch));
        }
    }

    private void writeMetadata(ZabMetadata next) {
        meta = next;
        ZabMetadata durable = next;
        if (faults.skipEpochPersist() && written != null) {
            durable = new ZabMetadata(written.acceptedEpoch(), written.acceptedLeader(), written.currentEpoch(),
                    next.joinedEpoch());
        }
        if (!durable.equals(written)) {
            log.writeMetadata(durable.encode());
            written = durable;
        }
    }

    /** This member heard from the (prospective) leader of {@code epoch}: see {@link #leaseContactTick}. */
    void leaseContact(long epoch) {
        leaseContactTick = now;
        leaseEpoch = epoch;
    }

    /** The leader of {@code epoch} revoked its lease (a transfer): the lease granted to it need not be waited out. */
    private void waiveLease(long epoch) {
        if (leaseEpoch == epoch) {
            leaseContactTick = NEVER;
        }
    }

    /** Whether an acknowledgement of a new epoch could break a lease this member granted. */
    boolean leaseWaitPending() {
        return now - leaseContactTick < electionTicks;
    }

    // ---- the log -------------------------------------------------------------------------------

    /** Adopts a snapshot the runtime took of state this core already handed out (it needs no notice). */
    private void refreshSnapshot() {
        log.latestSnapshot().ifPresent(snapshot -> {
            if (snapshot.index() > snapshotIndex && snapshot.index() <= emittedIndex) {
                snapshotIndex = snapshot.index();
                snapshotEra = snapshot.era();
            }
        });
    }

    /** The log above the snapshot this member's state holds. */
    Histories.Based based() {
        if (virtualBase != null) {
            return new Histories.Based(log, virtualBase[0], virtualBase[1], virtualBase[0] + 1);
        }
        return new Histories.Based(log, snapshotIndex, snapshotEra, contiguousFrom);
    }

    /** The last index this member holds: of its log, or of its snapshot if that reaches further. */
    long lastIndex() {
        return based().lastIndex();
    }

    long lastEra() {
        return eraAt(lastIndex());
    }

    /** The epoch at {@code index}: of its transaction, of the snapshot at it, 0 for index 0, else -1. */
    long eraAt(long index) {
        return based().eraAt(index);
    }

    /** This member's history summary (ACKEPOCH, Resync). */
    History history() {
        return Histories.summarize(based());
    }

    /** Appends a transaction at the end of the log; asserts the history's order (paper §III, Integrity). */
    void append(LogEntry entry) {
        long last = lastIndex();
        if (entry.index() != last + 1 && !(virtualBase != null && entry.index() > log.lastIndex())) {
            throw new IllegalStateException("transaction " + entry.index() + " would leave a gap after " + last);
        }
        long previousEra = eraAt(entry.index() - 1);
        if (previousEra > entry.era()) {
            throw new IllegalStateException("transaction " + entry.index() + " of epoch " + entry.era()
                    + " follows one of epoch " + previousEra + ": zxids would go back");
        }
        if (entry.era() > meta.acceptedEpoch()) {
            throw new IllegalStateException("transaction " + entry.index() + " of epoch " + entry.era()
                    + " is above the accepted epoch " + meta.acceptedEpoch());
        }
        if (entry.index() > log.lastIndex() + 1 || log.entry(entry.index() - 1) == null && entry.index() > 1) {
            contiguousFrom = Math.max(contiguousFrom, entry.index()); // above our snapshot, not our log
        }
        log.put(entry);
        configs.appended(entry);
    }

    /** Removes transactions from {@code index} on; never a committed one (paper §III, Agreement). */
    void truncateFrom(long index) {
        if (index <= commitIndex || index <= emittedIndex) {
            throw new IllegalStateException("truncating from " + index + " would remove committed transactions (commit "
                    + commitIndex + ")");
        }
        log.truncateFrom(index);
        configs.truncatedFrom(index);
        durableIndex = Math.min(durableIndex, index - 1);
    }

    /** Everything up to {@code index} is committed (as far as this member has it). */
    void advanceCommit(long index) {
        if (index > commitIndex) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit index " + index + " beyond last index " + lastIndex());
            }
            commitIndex = index;
        }
        emitCommitted();
    }

    /** Hands committed transactions to the runtime in order, each once, once durable here. */
    void emitCommitted() {
        long upTo = Math.min(commitIndex, durableIndex);
        for (long i = emittedIndex + 1; i <= upTo; i++) {
            LogEntry entry = log.entry(i);
            if (entry == null && virtualBase != null && i <= virtualBase[0]) {
                emittedIndex = i; // ZOOKEEPER-3642's fault: "in the snapshot we keep in memory"
                continue;
            }
            if (entry == null) {
                throw new IllegalStateException(self + ": committed transaction " + i + " is missing from the log ["
                        + log.firstIndex() + ", " + log.lastIndex() + "] (commit " + commitIndex + ", durable "
                        + durableIndex + ", emitted " + emittedIndex + ")");
            }
            out.commit(entry);
            emittedIndex = i;
        }
    }

    // ---- membership ----------------------------------------------------------------------------

    /** The configuration in effect, empty for a member that knows none. */
    Membership membership() {
        Membership current = configs.current();
        return current != null ? current : new Membership(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
    }

    boolean isVoter(String id) {
        Membership current = configs.current();
        return current != null && current.isVoter(id);
    }

    /** Whether this member votes: a voter of its configuration that is not an unjoined fresh member. */
    boolean participant() {
        return isVoter(self) && meta.joined();
    }

    /**
     * Whether this member may lead: a participant, or a joined member whose latest configuration removed
     * it and is not known committed, if the one before counted it. Such a member led when it proposed
     * its removal and may hold the most recent history, which every other prospective leader would
     * give up on in discovery; it leads again under the configuration without it, commits it, and steps
     * down ({@link MembershipChanges#removedSelf}).
     */
    boolean mayLead() {
        if (participant()) {
            return true;
        }
        if (!meta.joined() || configs.currentIndex() <= commitIndex) {
            return false;
        }
        for (long i = configs.currentIndex() - 1; i >= Math.max(1, log.firstIndex()); i--) {
            LogEntry entry = log.entry(i);
            if (entry != null && entry.kind() == EntryKind.CONFIG) {
                return ConfigTracker.decode(entry).isVoter(self);
            }
        }
        return log.latestSnapshot().map(snapshot -> snapshot.membership().isVoter(self)).orElse(false);
    }

    /** Everyone this member talks to while looking: the configuration plus the configured members. */
    SortedSet<String> contacts() {
        TreeSet<String> ids = new TreeSet<>();
        for (Member member : membership().all()) {
            ids.add(member.id());
        }
        for (Member member : context.config().members()) {
            ids.add(member.id());
        }
        ids.remove(self);
        return ids;
    }

    Vote selfVote() {
        return new Vote(self, meta.currentEpoch(), lastEra(), lastIndex());
    }

    // ---- status --------------------------------------------------------------------------------

    private void flush() {
        refreshSnapshot();
        if (leader != null) {
            leader.flush();
            if (leader.changes.removedSelf()) {
                lookForLeader("removed from the configuration"); // once the removal is committed
            }
        }
        CoreState state = state();
        if (!state.equals(reported)) {
            reported = state;
            out.stateChanged(state);
        }
        RequestOutcome transferred = transfer != null ? transfer.outcome(state) : null;
        if (transferred != null) {
            transfer = null; // a leader that was still waiting for its target proposes again
            out.outcome(transferred);
        }
    }

    CoreState state() {
        long era = meta.acceptedEpoch();
        if (role == ZabRole.LEADING) {
            boolean established = leader.established();
            return new CoreState(established ? Role.LEADER : Role.CANDIDATE, established ? self : null, era);
        }
        Role base = participant() ? Role.FOLLOWER : Role.LEARNER;
        if (role == ZabRole.FOLLOWING) {
            return new CoreState(base, follower.upToDate ? follower.leaderId : null, era);
        }
        return new CoreState(participant() ? Role.CANDIDATE : base, null, era);
    }

    /** The zxid of transaction {@code index}: (epoch << 32) | counter, as ZooKeeper prints it. */
    long zxid(long index) {
        long era = eraAt(index);
        if (era < 0) {
            return -1;
        }
        long first = index;
        long floor = based().firstIndex();
        if (index >= floor && log.entry(index) != null) {
            first = Histories.firstIndexWithEraAtLeast(log, era, floor, index);
        }
        return (era << 32) | ((index - first) & 0xffffffffL);
    }

    private String eraDetail() {
        long last = lastIndex();
        return "epoch " + meta.acceptedEpoch() + " (current " + meta.currentEpoch() + "), zxid 0x"
                + Long.toHexString(Math.max(0, zxid(last))) + " at index " + last;
    }

    private String notLeader() {
        String known = role == ZabRole.FOLLOWING && follower.upToDate ? follower.leaderId : null;
        return known != null ? "not the leader; the leader is " + known : "not the leader; no leader is established";
    }

    // ---- for tests -----------------------------------------------------------------------------

    ZabRole role() {
        return role;
    }

    long commitIndex() {
        return commitIndex;
    }

    ZabMetadata metadata() {
        return meta;
    }

    @Override
    public String toString() {
        return self + "{" + role + " accepted=" + meta.acceptedEpoch() + " current=" + meta.currentEpoch()
                + " commit=" + commitIndex + " last=" + lastIndex() + " durable=" + durableIndex
                + (leader != null ? " " + leader : "") + (follower != null ? " " + follower : "")
                + (transfer != null ? " " + transfer : "") + "}";
    }
}
