package io.consensus.core.runtime;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.GroupStatus;
import io.consensus.api.LeadershipListener;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException;
import io.consensus.api.Role;
import io.consensus.api.StateMachine;
import io.consensus.api.SubmitOptions;
import io.consensus.api.TimeoutException;
import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.CoreState;
import io.consensus.api.spi.CoreStatus;
import io.consensus.api.spi.Envelope;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.MessageCodec;
import io.consensus.api.spi.Outbound;
import io.consensus.api.spi.ProtocolCore;
import io.consensus.api.spi.ProtocolMessage;
import io.consensus.api.spi.ReadGrant;
import io.consensus.api.spi.Ready;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.StorageFullException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one group's protocol core on the node's event loop and carries out its {@link Ready}s in
 * the documented order. Public methods may be called from any thread; they hand work to the loop.
 * Everything else here is confined to the loop, except what the {@link Applier} owns.
 */
final class GroupRuntime implements ConsensusGroup, GroupCommitter.Participant {

    private static final Logger log = LoggerFactory.getLogger(GroupRuntime.class);
    private static final int MAX_BATCH_BYTES = 1 << 20;
    private static final long FULL_DISK_WARN_MILLIS = 10_000;

    private final NodeRuntime node;
    private final ConsensusConfig config;
    private final ConsensusProtocol protocol;
    private final MessageCodec codec;
    private final LogStorage storage;
    private final StateMachine stateMachine;
    /** Runs the state machine's slow work off the loop: recovery, snapshots, restores, backups. */
    private final Executor applyExecutor;
    /**
     * Applies commands and serves reads, in order with {@link #applyExecutor}'s tasks: the same
     * executor, unless {@code consensus.apply.inline}, where a task runs at once on the calling
     * thread (the loop) when the apply path is idle.
     */
    private final Executor commandExecutor;
    private final EventLoop loop;
    private final Applier applier;
    private final SnapshotTransfer snapshotTransfer;
    private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlightSubmits = new AtomicInteger();
    private final LogContext logContext;
    private final GroupMeters meters;
    private final LaggingFollowers laggingFollowers;
    private final AtomicLong nextLocalId;
    private final long incarnation;

    // Loop-confined state.
    private ProtocolCore core;
    private CoreState state = new CoreState(Role.STOPPED, null, 0);
    private volatile GroupStatus status;
    private volatile java.util.SortedSet<Member> knownMembers = new java.util.TreeSet<>();
    private long writeSeq;
    private long durableSeq;
    private long syncingSeq;
    private long syncingIndex;
    private long syncingEra;
    private final ArrayDeque<Deferred> afterPersist = new ArrayDeque<>();
    private final Map<String, PendingSubmit> submits = new HashMap<>();
    /** This member's exactly-once session for commands without a request id: member and incarnation. */
    private final String session;
    /** Loop-confined: the last sequence handed out, and those whose callers may still wait, in order. */
    private long lastSequence;
    private final java.util.ArrayDeque<InFlightSequence> inFlightSequences = new java.util.ArrayDeque<>();

    private record InFlightSequence(long sequence, String key) {}
    private final java.util.LinkedHashSet<String> unsent = new java.util.LinkedHashSet<>();
    private final Map<Long, PendingRead> reads = new HashMap<>();
    /**
     * Reads this follower asked the leader to confirm, by read id: how, and when last asked. The
     * transport may drop a request or its reply (a connection not yet up after a restart), so they are
     * asked again every heartbeat interval until answered or past their deadline.
     */
    private final Map<Long, AskedLeader> askedLeader = new HashMap<>();
    private final List<Runnable> readsAwaitingLeader = new ArrayList<>();
    private final Map<Long, CompletableFuture<Void>> requests = new HashMap<>();
    private boolean flushScheduled;
    /** When a full disk last restarted the core with a WARN; far in the past at first. */
    private long lastFullDiskWarnMillis = Long.MIN_VALUE / 2;
    /**
     * A received snapshot is stored, and so visible through the log, but its core has not been told
     * yet: protocol messages are dropped meanwhile (senders resend), or the core would judge them
     * against a log that ends at a snapshot it does not know it holds.
     */
    private boolean installingSnapshot;
    /** The configuration's timing, in the units the tick path uses (read every tick of every group). */
    private final long tickMillis;
    private final long electionTimeoutTicks;
    private final long heartbeatIntervalTicks;
    /** Loop-confined: submits and reads with the default timeout, swept every tick. */
    private final long defaultTimeoutMillis;
    private final Deadlines<String> submitDeadlines = new Deadlines<>();
    private final Deadlines<CompletableFuture<byte[]>> readDeadlines = new Deadlines<>();
    private long ticks;
    private long lastTickMillis;
    /**
     * Loop-confined: the core is quiescent and this member has no work of its own pending, so the
     * node's ticks pass it by (see {@link ProtocolCore#quiescent()}).
     */
    private boolean asleep;
    /** Where {@link #lastTickMillis} stood when it fell asleep: the ticks owed should its leader be gone. */
    private long sleptFromMillis;
    /** A {@link RuntimeMessage.Wake} arrived: stay awake until the core has had a tick. */
    private boolean wakeRequested;
    /** The member whose message the core is handling, so a wake by the leader is told from others. */
    private String inputFrom;
    private volatile boolean started;
    private volatile boolean closed;

    /** Work that waits for the sync that covers write {@code seq}: a Ready's post-persist part. */
    private record Deferred(long seq, Runnable action) {}

    /** A command submitted on this member that has not applied here yet. */
    private static final class PendingSubmit {
        final byte[] command;
        /** The session sequence, or 0 for a command with an application request id. */
        final long sequence;
        long lastSentMillis = Long.MIN_VALUE;

        PendingSubmit(byte[] command, long sequence) {
            this.command = command;
            this.sequence = sequence;
        }

        boolean sent() {
            return lastSentMillis != Long.MIN_VALUE;
        }
    }

    /** A read waiting for the core's grant: local (future) or forwarded by {@code origin}. */
    /**
     * A read waiting for the core's grant: a local one (query and future), or a follower's request
     * for a read index ({@code origin} and its id), answered with the index alone.
     */
    private record PendingRead(byte[] query, CompletableFuture<byte[]> future, String origin, long originReadId) {}

    private record AskedLeader(ReadConsistency consistency, long sentMillis) {}

    GroupRuntime(NodeRuntime node, ConsensusConfig config, ConsensusProtocol protocol, LogStorage storage,
                 StateMachine stateMachine, Executor applyExecutor) {
        this.node = node;
        this.config = config;
        this.protocol = protocol;
        this.codec = protocol.codec();
        this.storage = storage;
        this.stateMachine = stateMachine;
        this.logContext = LogContext.group(config.memberId(), config.groupId());
        if (config.applyInline()) {
            SerialExecutor serial = new SerialExecutor(applyExecutor);
            this.applyExecutor = logContext.bind(serial);
            this.commandExecutor = logContext.bind(serial::executeInline);
        } else {
            this.applyExecutor = logContext.bind(applyExecutor);
            this.commandExecutor = this.applyExecutor;
        }
        this.loop = new GuardedLoop(node.loop(), this::failed, logContext);
        this.incarnation = node.random().nextLong() & Long.MAX_VALUE;
        this.session = "a:" + memberId() + ":" + incarnation;
        this.tickMillis = config.tick().toMillis();
        this.electionTimeoutTicks = config.electionTimeoutTicks();
        this.heartbeatIntervalTicks = config.heartbeatIntervalTicks();
        this.defaultTimeoutMillis = config.requestTimeout().toMillis();
        // Read and request ids start at a random point, so a reply meant for an earlier incarnation
        // of this member (before a crash) never matches a request of this one.
        this.nextLocalId = new AtomicLong(node.random().nextLong() & (Long.MAX_VALUE >>> 1));
        this.applier = new Applier(stateMachine, storage.snapshots(), config.dedupTtl().toMillis(),
                config.snapshotThresholdEntries(), node.loop()::nowMillis, Membership.ofVoters(new java.util.TreeSet<>(config.members())),
                new ApplyListener());
        this.snapshotTransfer = new SnapshotTransfer(this, storage, config.maxFrameBytes());
        this.status = statusOf(null);
        this.knownMembers = new java.util.TreeSet<>(config.members());
        this.meters = new GroupMeters(node.metrics(), config.groupId(), config.memberId(), () -> status,
                applier::appliedIndex, inFlightSubmits::get);
        meters.trackFollowers(ids(knownMembers));
        this.laggingFollowers = new LaggingFollowers(config.laggingFollower().toMillis(), config.laggingFollowerEntries());
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    @Override
    public void start() {
        if (started) {
            return;
        }
        started = true;
        CompletableFuture<Void> recovered = new CompletableFuture<>();
        applyExecutor.execute(() -> {
            try {
                if (config.bootstrap() && storageIsEmpty()) {
                    applier.bootstrap(Membership.ofVoters(new java.util.TreeSet<>(config.members())));
                }
                applier.recover();
                recovered.complete(null);
            } catch (Throwable t) {
                recovered.completeExceptionally(t);
            }
        });
        recovered.whenComplete((ok, error) -> loop.execute(() -> {
            if (error != null) {
                log.error("group {} on {} could not recover its state machine", groupId(), memberId(), error);
                halt(error);
                return;
            }
            startCore();
        }));
    }

    private void startCore() {
        if (closed) {
            return;
        }
        // A crash may have lost the log reset that followed a received snapshot: redo it.
        storage.latestSnapshot().filter(this::logDisagreesWith).ifPresent(this::resetLogTo);
        // A bootstrapping member stored its membership as a snapshot at index 0 in start(), so an
        // empty storage here means a member joining an existing group with a wiped or new disk.
        boolean fresh = storageIsEmpty();
        if (fresh) {
            log.info("group {} on {}: empty data directory and no bootstrap; joining as a non-voter until caught up",
                    groupId(), memberId());
        }
        core = protocol.createCore(new CoreContext(config, storage, null,
                new SplittableRandom(node.random().nextLong()), fresh));
        state = core.status().state();
        refreshStatus();
        drain();
        lastTickMillis = loop.nowMillis();
        node.tickEvery(tickMillis, config.heartbeatInterval().toMillis());
    }

    /**
     * On the loop, from the node's one ticker (a timer per group cost more than the ticks themselves
     * once a node hosts hundreds of idle groups). A sleeping group only looks for a reason to wake
     * when {@code wakeCheck} (once per liveness interval); otherwise it costs a field read.
     */
    void onNodeTick(boolean wakeCheck) {
        if (core == null || closed || (asleep && (!wakeCheck || !mustWake()))) {
            return;
        }
        logContext.enter();
        try {
            tick();
        } catch (RuntimeException | Error e) {
            failed(e);
        }
    }

    /**
     * Gives the core every tick it is owed by the clock. A timer that fired late (a GC pause, a busy
     * loop) must not leave the core's sense of time behind: a leader that slept through its lease
     * would otherwise serve lease reads after another leader took over.
     */
    private void tick() {
        long owed = (loop.nowMillis() - lastTickMillis) / tickMillis;
        if (owed <= 0) {
            return;
        }
        lastTickMillis += owed * tickMillis;
        if (asleep) {
            return; // the time passes, the core is not told (ProtocolCore.quiescent())
        }
        wakeRequested = false;
        sweepDeadlines();
        // Past a few election timeouts every protocol timer has expired; more ticks change nothing.
        long count = Math.min(owed, 4L * electionTimeoutTicks);
        for (long i = 0; i < count && !closed; i++) {
            ticks++;
            core.tick();
            drain();
            if (ticks % Math.max(1, heartbeatIntervalTicks) == 0) {
                refreshStatus();
                askLeaderAgain();
            }
            if (ticks % Math.max(1, electionTimeoutTicks / 2) == 0) {
                resendStalled();
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Runnable shutdown = () -> {
            if (state.role() == Role.LEADER) {
                // Its followers may be quiescent: tell them to tick, or they would wait for a silent leader.
                for (Member member : knownMembers()) {
                    if (!member.id().equals(memberId())) {
                        send(member.id(), new RuntimeMessage.Wake());
                    }
                }
            }
            failAll();
            state = new CoreState(Role.STOPPED, null, state.era());
            refreshStatus();
            meters.remove();
            node.removeGroup(this);
        };
        if (loop.inLoop()) {
            shutdown.run();
        } else {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loop.execute(() -> {
                shutdown.run();
                done.complete(null);
            });
            try {
                done.get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("group {} on {} did not close cleanly: {}", groupId(), memberId(), e.toString());
            }
        }
    }

    private void failAll() {
        for (Map.Entry<String, PendingSubmit> entry : submits.entrySet()) {
            CompletableFuture<byte[]> waiter = applier.waiters().remove(entry.getKey());
            if (waiter != null) {
                waiter.completeExceptionally(entry.getValue().sent()
                        ? new TimeoutException("group " + groupId() + " closed before the command's outcome was known")
                        : new RejectedException(RejectedException.Reason.CLOSED, "group " + groupId() + " closed"));
            }
        }
        submits.clear();
        reads.values().forEach(r -> failRead(r, RejectedException.Reason.CLOSED, "group closed"));
        reads.clear();
        askedLeader.clear();
        requests.values().forEach(f -> f.completeExceptionally(
                new RejectedException(RejectedException.Reason.CLOSED, "group " + groupId() + " closed")));
        requests.clear();
    }

    /**
     * A core or runtime invariant failed on the loop: the member's state can no longer be trusted,
     * so the group halts. The error is rethrown so that a simulation fails at the point of failure.
     */
    private void failed(Throwable error) {
        log.error("group {} on {}: unexpected failure on the event loop; halting the group", groupId(), memberId(), error);
        halt(error);
        if (error instanceof Error e) {
            throw e;
        }
        throw (RuntimeException) error;
    }

    /** Stops this group after a fatal error (failed fsync, state machine Error). */
    void halt(Throwable cause) {
        if (closed) {
            return;
        }
        logContext.enter();
        log.error("group {} on {} halts: {}", groupId(), memberId(), cause.toString());
        close();
    }

    // ---- the API --------------------------------------------------------------------------------

    @Override
    public String memberId() {
        return config.memberId();
    }

    @Override
    public String groupId() {
        return config.groupId();
    }

    @Override
    public CompletableFuture<byte[]> submit(byte[] command, SubmitOptions options) {
        if (closed || !started) {
            return rejected(new RejectedException(RejectedException.Reason.CLOSED,
                    "group " + groupId() + " is " + (closed ? "closed" : "not started")));
        }
        if (command.length > config.maxCommandBytes()) {
            return rejected(new RejectedException(RejectedException.Reason.TOO_LARGE,
                    "command of " + command.length + " bytes exceeds " + ConsensusConfig.MAX_COMMAND_BYTES + " ("
                            + config.maxCommandBytes() + ")"));
        }
        if (node.storageFull()) {
            // Backpressure until space is freed: a command this member cannot store could not apply here.
            return rejected(new RejectedException(RejectedException.Reason.BACKPRESSURE,
                    "the disk of member " + memberId() + " is full; proposals are accepted again once space is freed"));
        }
        if (inFlightSubmits.incrementAndGet() > config.maxPendingProposals()) {
            inFlightSubmits.decrementAndGet();
            return rejected(new RejectedException(RejectedException.Reason.BACKPRESSURE,
                    config.maxPendingProposals() + " proposals already pending in group " + groupId() + " ("
                            + ConsensusConfig.MAX_PENDING_PROPOSALS + ")"));
        }
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        String key = options.requestId() != null ? "u:" + options.requestId() : null;
        if (key != null) {
            CompletableFuture<byte[]> existing = applier.waiters().putIfAbsent(key, future);
            if (existing != null) {
                inFlightSubmits.decrementAndGet();
                return existing; // the same request id is already in flight here: share its outcome
            }
        }
        meters.proposals.increment();
        long submittedNanos = loop.nowNanos();
        future.whenComplete((result, error) -> {
            inFlightSubmits.decrementAndGet();
            countOutcome(submittedNanos, error);
        });
        long timeoutMillis = (options.timeout() != null ? options.timeout() : config.requestTimeout()).toMillis();
        if (key != null) {
            loop.execute(() -> enqueue(key, 0, command, timeoutMillis));
        } else {
            loop.execute(() -> enqueueSequenced(future, command, timeoutMillis));
        }
        return future;
    }

    private CompletableFuture<byte[]> rejected(RejectedException rejection) {
        meters.rejected(rejection.reason()).increment();
        return CompletableFuture.failedFuture(rejection);
    }

    /** A submit's outcome, on the thread that completed it: its latency if it applied, why if rejected. */
    private void countOutcome(long submittedNanos, Throwable error) {
        if (error == null) {
            meters.commitLatency.recordNanos(loop.nowNanos() - submittedNanos);
        } else if (error instanceof RejectedException rejection) {
            meters.rejected(rejection.reason()).increment();
        }
    }

    @Override
    public CompletableFuture<byte[]> query(byte[] query, ReadConsistency consistency) {
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        if (closed || !started) {
            future.completeExceptionally(new RejectedException(RejectedException.Reason.CLOSED, "group " + groupId() + " is not running"));
            return future;
        }
        if (consistency == ReadConsistency.STALE) {
            commandExecutor.execute(() -> serveLocally(query, future));
            return future;
        }
        loop.execute(() -> {
            readDeadlines.add(loop.nowMillis() + defaultTimeoutMillis, future);
            startRead(new PendingRead(query, future, null, 0), consistency);
        });
        return future;
    }

    @Override
    public CompletableFuture<Void> changeMembership(MembershipChange change) {
        return request(requestId -> core.changeMembership(requestId, change));
    }

    @Override
    public CompletableFuture<Void> transferLeadership(String memberId) {
        return request(requestId -> core.transferLeadership(requestId, memberId));
    }

    private CompletableFuture<Void> request(java.util.function.LongConsumer start) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (closed || !started) {
            future.completeExceptionally(new RejectedException(RejectedException.Reason.CLOSED, "group " + groupId() + " is not running"));
            return future;
        }
        loop.execute(() -> {
            if (core == null || closed) {
                future.completeExceptionally(new RejectedException(RejectedException.Reason.CLOSED, "group not running"));
                return;
            }
            long requestId = nextLocalId.incrementAndGet();
            requests.put(requestId, future);
            start.accept(requestId);
            drain();
            loop.schedule(config.requestTimeout().toMillis(), () -> {
                CompletableFuture<Void> pending = requests.remove(requestId);
                if (pending != null) {
                    pending.completeExceptionally(new TimeoutException("request " + requestId + " did not finish within "
                            + config.requestTimeout().toMillis() + " ms"));
                }
            });
        });
        return future;
    }

    @Override
    public CompletableFuture<io.consensus.api.Backup> backup(java.nio.file.Path file) {
        if (closed || !started) {
            return CompletableFuture.failedFuture(new RejectedException(RejectedException.Reason.CLOSED,
                    "group " + groupId() + " is not running"));
        }
        CompletableFuture<io.consensus.api.Backup> future = new CompletableFuture<>();
        // On the apply executor, between two applies: the state is a consistent point in time.
        applyExecutor.execute(() -> {
            try {
                future.complete(applier.backup(file, groupId(), config.protocol()));
            } catch (java.io.IOException | RuntimeException e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    @Override
    public GroupStatus status() {
        GroupStatus cached = status;
        // Role, leader and commit index refresh on the loop; the applied count is always current.
        return new GroupStatus(cached.groupId(), cached.memberId(), cached.protocol(), cached.role(), cached.leaderId(),
                cached.era(), cached.eraDetail(), cached.commitIndex(), applier.appliedCount(), cached.membership(),
                cached.followers(), cached.quiescent());
    }

    @Override
    public void addLeadershipListener(LeadershipListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeLeadershipListener(LeadershipListener listener) {
        listeners.remove(listener);
    }

    // ---- submits: batching, forwarding, retries -------------------------------------------------

    /**
     * A command without a request id gets the next sequence number of this member's session, on the
     * loop, so sequences reach {@link #sequenceFloor()} in the order they are numbered.
     */
    private void enqueueSequenced(CompletableFuture<byte[]> future, byte[] command, long timeoutMillis) {
        if (closed) {
            future.completeExceptionally(new RejectedException(RejectedException.Reason.CLOSED, "group " + groupId() + " is closed"));
            return;
        }
        long sequence = ++lastSequence;
        String key = CommandBatch.sessionKey(session, sequence);
        applier.waiters().put(key, future);
        inFlightSequences.add(new InFlightSequence(sequence, key));
        enqueue(key, sequence, command, timeoutMillis);
    }

    /**
     * The lowest sequence of this member's session whose caller still waits: every one below it has
     * applied or timed out, will never be re-sent, and may be forgotten by the dedup table.
     */
    private long sequenceFloor() {
        while (!inFlightSequences.isEmpty() && !applier.waiters().containsKey(inFlightSequences.peekFirst().key())) {
            inFlightSequences.pollFirst();
        }
        return inFlightSequences.isEmpty() ? lastSequence + 1 : inFlightSequences.peekFirst().sequence();
    }

    private void enqueue(String key, long sequence, byte[] command, long timeoutMillis) {
        if (closed) {
            return;
        }
        submits.put(key, new PendingSubmit(command, sequence));
        unsent.add(key);
        scheduleFlush();
        if (timeoutMillis == defaultTimeoutMillis) {
            submitDeadlines.add(loop.nowMillis() + timeoutMillis, key);
        } else {
            loop.schedule(timeoutMillis, () -> expire(key, timeoutMillis));
        }
    }

    /** On every tick: fails the submits and reads whose deadline passed. */
    private void sweepDeadlines() {
        long now = loop.nowMillis();
        submitDeadlines.sweep(now, key -> !applier.waiters().containsKey(key), key -> expire(key, defaultTimeoutMillis));
        // A read changes nothing, so a timed-out read is safe to retry: NOT_APPLIED.
        readDeadlines.sweep(now, CompletableFuture::isDone, future -> future.completeExceptionally(new RejectedException(
                RejectedException.Reason.NO_LEADER, "read not confirmed within " + defaultTimeoutMillis + " ms")));
    }

    private void expire(String key, long timeoutMillis) {
        PendingSubmit pending = submits.remove(key);
        unsent.remove(key);
        CompletableFuture<byte[]> waiter = applier.waiters().remove(key);
        if (pending == null || waiter == null) {
            return;
        }
        waiter.completeExceptionally(pending.sent()
                ? new TimeoutException("no outcome within " + timeoutMillis + " ms; the command may still apply")
                : new RejectedException(RejectedException.Reason.NO_LEADER,
                        "no leader reachable within " + timeoutMillis + " ms; the command was never proposed"));
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            // Runs after the tasks already queued, so submits arriving together share one batch.
            loop.execute(this::flush);
        }
    }

    private void flush() {
        flushScheduled = false;
        if (core == null || closed || unsent.isEmpty()) {
            return;
        }
        String leader = state.leaderId();
        boolean leading = state.role() == Role.LEADER;
        if (!leading && (leader == null || leader.equals(memberId()))) {
            return; // no leader known: resendStalled() and leader changes retry
        }
        List<CommandBatch.Command> batch = new ArrayList<>();
        int bytes = 0;
        List<String> keys = new ArrayList<>(unsent);
        unsent.clear();
        for (String key : keys) {
            PendingSubmit pending = submits.get(key);
            if (pending == null || !applier.waiters().containsKey(key)) {
                submits.remove(key);
                continue;
            }
            if (bytes + pending.command.length > MAX_BATCH_BYTES && !batch.isEmpty()) {
                sendBatch(batch, leading, leader);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(new CommandBatch.Command(key, pending.sequence, pending.command));
            bytes += pending.command.length + key.length();
        }
        if (!batch.isEmpty()) {
            sendBatch(batch, leading, leader);
        }
    }

    private void sendBatch(List<CommandBatch.Command> commands, boolean leading, String leader) {
        byte[] batch = new CommandBatch(applier.logClockEstimate(), session, sequenceFloor(), commands).encode();
        if (leading && !core.propose(batch)) {
            // Leading but not yet able to propose (term not established, transfer): the commands
            // stay queued, and keep whatever "sent" state they had, for the periodic retry.
            commands.forEach(c -> unsent.add(c.requestKey()));
            return;
        }
        // From here the command may be applied: a timeout now means an unknown outcome.
        long now = loop.nowMillis();
        commands.forEach(c -> submits.get(c.requestKey()).lastSentMillis = now);
        if (leading) {
            drain();
        } else {
            send(leader, new RuntimeMessage.Forward(batch));
        }
    }

    /** Re-sends submits that have not applied after an election timeout; dedup makes this safe. */
    private void resendStalled() {
        long cutoff = loop.nowMillis() - config.electionTimeout().toMillis();
        for (Map.Entry<String, PendingSubmit> entry : submits.entrySet()) {
            if (!applier.waiters().containsKey(entry.getKey())) {
                continue;
            }
            if (entry.getValue().lastSentMillis < cutoff) {
                unsent.add(entry.getKey());
            }
        }
        submits.keySet().removeIf(key -> !applier.waiters().containsKey(key));
        if (!unsent.isEmpty()) {
            scheduleFlush();
        }
    }

    // ---- reads ----------------------------------------------------------------------------------

    private void startRead(PendingRead read, ReadConsistency consistency) {
        if (read.future() != null && read.future().isDone()) {
            return; // timed out while waiting for a leader
        }
        if (closed) {
            failRead(read, RejectedException.Reason.CLOSED, "group not running");
            return;
        }
        if (core == null) {
            // Still recovering its state machine: like a member with no leader yet, wait until the deadline.
            if (read.origin() == null) {
                readsAwaitingLeader.add(() -> startRead(read, consistency));
            } else {
                failRead(read, RejectedException.Reason.NO_LEADER, memberId() + " is still starting");
            }
            return;
        }
        tick(); // ticks owed after a pause reach the core before it judges its lease
        if (state.role() == Role.LEADER) {
            long readId = nextLocalId.incrementAndGet();
            reads.put(readId, read);
            core.read(readId, consistency);
            drain();
        } else if (state.leaderId() != null && !state.leaderId().equals(memberId()) && read.origin() == null) {
            long readId = nextLocalId.incrementAndGet();
            reads.put(readId, read);
            askedLeader.put(readId, new AskedLeader(consistency, loop.nowMillis()));
            send(state.leaderId(), new RuntimeMessage.ReadIndexRequest(readId, consistency));
        } else if (read.origin() == null) {
            // No leader known yet (an election, or just restarted): wait for one until the deadline.
            readsAwaitingLeader.add(() -> startRead(read, consistency));
        } else {
            failRead(read, RejectedException.Reason.NO_LEADER, "no leader known to " + memberId());
        }
    }

    /**
     * Asks again, of the leader known now, for every read index not answered within a heartbeat
     * interval; a read past its deadline is forgotten. A leader that gets a request twice answers
     * twice, and the second answer finds no read waiting. Should this member have become the leader
     * meanwhile, its own core confirms the read.
     */
    private void askLeaderAgain() {
        if (askedLeader.isEmpty()) {
            return;
        }
        long now = loop.nowMillis();
        long resendAfter = config.heartbeatInterval().toMillis();
        for (var it = askedLeader.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, AskedLeader> entry = it.next();
            PendingRead read = reads.get(entry.getKey());
            if (read == null || read.future().isDone()) {
                reads.remove(entry.getKey());
                it.remove();
            } else if (state.role() == Role.LEADER) {
                it.remove();
                core.read(entry.getKey(), entry.getValue().consistency());
            } else if (now - entry.getValue().sentMillis() >= resendAfter && state.leaderId() != null
                    && !state.leaderId().equals(memberId())) {
                entry.setValue(new AskedLeader(entry.getValue().consistency(), now));
                send(state.leaderId(), new RuntimeMessage.ReadIndexRequest(entry.getKey(), entry.getValue().consistency()));
            }
        }
        drain();
    }

    private void grant(ReadGrant grant) {
        PendingRead read = reads.remove(grant.readId());
        if (read == null) {
            return;
        }
        if (read.origin() != null) {
            // The follower waits for its own state machine to reach the index, then serves the read.
            send(read.origin(), new RuntimeMessage.ReadIndexReply(read.originReadId(), grant.index(), null, null));
        } else {
            serveAt(grant.index(), read);
        }
    }

    /** Serves a local read once this member has applied up to {@code index}. */
    private void serveAt(long index, PendingRead read) {
        commandExecutor.execute(() -> applier.whenApplied(index, () -> serveLocally(read.query(), read.future())));
    }

    private void serveLocally(byte[] query, CompletableFuture<byte[]> future) {
        try {
            future.complete(applier.query(query));
        } catch (Exception e) {
            future.completeExceptionally(e);
        }
    }

    private void failRead(PendingRead read, RejectedException.Reason reason, String detail) {
        if (read.origin() == null) {
            read.future().completeExceptionally(new RejectedException(reason, detail));
        } else {
            send(read.origin(), new RuntimeMessage.ReadIndexReply(read.originReadId(), -1, reason.name(), detail));
        }
    }

    private void onReadIndexReply(RuntimeMessage.ReadIndexReply reply) {
        askedLeader.remove(reply.readId());
        PendingRead read = reads.remove(reply.readId());
        if (read == null) {
            return;
        }
        if (reply.rejectedReason() == null) {
            serveAt(reply.index(), read);
            return;
        }
        RejectedException.Reason reason;
        try {
            reason = RejectedException.Reason.valueOf(reply.rejectedReason());
        } catch (IllegalArgumentException unknown) {
            reason = RejectedException.Reason.NO_LEADER; // a reason this version does not know
        }
        read.future().completeExceptionally(new RejectedException(reason, "leader refused the read: " + reply.detail()));
    }

    // ---- inbound --------------------------------------------------------------------------------

    /** An envelope for this group, on the loop. */
    void receive(Envelope envelope) {
        logContext.enter();
        if (core == null || closed) {
            return;
        }
        try {
            dispatch(envelope);
        } catch (RuntimeException | Error e) {
            failed(e);
        }
    }

    private void dispatch(Envelope envelope) {
        RuntimeMessage message;
        try {
            message = RuntimeMessage.decode(envelope.payload());
        } catch (IllegalArgumentException e) {
            log.warn("group {} on {}: dropped a malformed message from {}: {}", groupId(), memberId(), envelope.from(), e.getMessage());
            return;
        }
        String from = envelope.from();
        if (message instanceof RuntimeMessage.Protocol p) {
            if (installingSnapshot) {
                return;
            }
            ProtocolMessage decoded;
            try {
                decoded = codec.decode(p.bytes());
            } catch (IllegalArgumentException e) {
                log.warn("group {} on {}: dropped a malformed {} message from {}: {}", groupId(), memberId(),
                        protocol.name(), from, e.getMessage());
                return;
            }
            inputFrom = from;
            try {
                core.receive(from, decoded);
                drain();
            } finally {
                inputFrom = null;
            }
        } else if (message instanceof RuntimeMessage.Forward f) {
            // A non-leader drops it: the origin re-sends to the leader it learns of.
            if (state.role() == Role.LEADER && core.propose(f.batch())) {
                drain();
            }
        } else if (message instanceof RuntimeMessage.ReadIndexRequest r) {
            startRead(new PendingRead(null, null, from, r.readId()), r.consistency());
        } else if (message instanceof RuntimeMessage.ReadIndexReply r) {
            onReadIndexReply(r);
        } else if (message instanceof RuntimeMessage.SnapshotChunk c) {
            snapshotTransfer.onChunk(from, c);
        } else if (message instanceof RuntimeMessage.SnapshotAck a) {
            snapshotTransfer.onAck(from, a);
        } else if (message instanceof RuntimeMessage.Wake) {
            onWake();
        }
    }

    void send(String to, RuntimeMessage message) {
        node.send(new Envelope(groupId(), memberId(), to, RuntimeMessage.encode(message)));
    }

    // ---- carrying out Ready ---------------------------------------------------------------------

    private void drain() {
        while (core != null && !closed && core.hasReady()) {
            handle(core.ready());
        }
        if (core != null && (asleep || core.quiescent())) {
            noteQuiescence();
        }
    }

    // ---- quiescence -----------------------------------------------------------------------------

    /** After a step of a core that is or was quiescent: fall asleep, or wake. */
    private void noteQuiescence() {
        boolean quiet = core.quiescent() && !wakeRequested && nothingPendingHere();
        if (quiet == asleep) {
            return;
        }
        if (quiet) {
            asleep = true;
            sleptFromMillis = lastTickMillis;
            refreshStatus();
        } else {
            // An input woke the core: ticks resume from now, the slept time is not replayed.
            wake(false, inputFrom);
        }
    }

    /**
     * On a node tick while asleep: whether the group must tick again. A follower whose leader's node
     * fell silent for an election timeout gets the ticks it slept through, so it campaigns at once;
     * work of this member's own (a submit to forward again, a read to ask again) also wakes it.
     */
    private boolean mustWake() {
        boolean leaderGone = leaderSilent();
        if (!leaderGone && nothingPendingHere()) {
            return false;
        }
        wake(leaderGone, null);
        return true;
    }

    private void wake(boolean replaySleptTicks, String wokenBy) {
        asleep = false;
        refreshStatus();
        lastTickMillis = replaySleptTicks ? sleptFromMillis : loop.nowMillis() - tickMillis;
        String leader = state.leaderId();
        if (state.role() != Role.LEADER && leader != null && !leader.equals(memberId()) && !leader.equals(wokenBy)) {
            send(leader, new RuntimeMessage.Wake()); // a leader asleep would not heartbeat and this member would campaign
        }
    }

    private boolean leaderSilent() {
        String leader = state.leaderId();
        return leader != null && !leader.equals(memberId())
                && node.silentMillis(leader) >= config.electionTimeout().toMillis();
    }

    /** Whether this member's runtime has nothing waiting on the group: no submit, read or request. */
    private boolean nothingPendingHere() {
        if (!unsent.isEmpty() || !reads.isEmpty() || !askedLeader.isEmpty() || !readsAwaitingLeader.isEmpty()
                || !requests.isEmpty() || installingSnapshot) {
            return false;
        }
        if (!submits.isEmpty()) {
            submits.keySet().removeIf(key -> !applier.waiters().containsKey(key));
        }
        return submits.isEmpty();
    }

    private void onWake() {
        if (asleep) {
            asleep = false;
            lastTickMillis = loop.nowMillis() - tickMillis;
            refreshStatus();
        }
        wakeRequested = true; // until the core's next tick, which ends its quiescence
    }

    private void handle(Ready ready) {
        if (ready.needsPersist()) {
            try {
                if (ready.truncateFrom() != Ready.NO_TRUNCATION) {
                    storage.truncateFrom(ready.truncateFrom());
                }
                if (!ready.entries().isEmpty()) {
                    storage.write(ready.entries());
                }
                if (ready.metadata() != null) {
                    storage.writeMetadata(ready.metadata());
                }
            } catch (StorageFullException e) {
                restartCore(e);
                return;
            }
            writeSeq++;
        }
        for (Outbound outbound : ready.messages()) {
            send(outbound.to(), new RuntimeMessage.Protocol(codec.encode(outbound.message())));
        }
        if (ready.needsPersist()) {
            // After the sends, which need not wait for the sync: a sync done on the loop itself (when
            // nothing else waits there) then starts once they are on their way.
            node.committer().request(this);
        }
        if (ready.stateChange() != null) {
            onStateChange(ready.stateChange());
        }
        boolean postPersistWork = !ready.messagesAfterPersist().isEmpty() || !ready.committed().isEmpty()
                || !ready.reads().isEmpty() || !ready.outcomes().isEmpty();
        if (postPersistWork) {
            if (durableSeq >= writeSeq && afterPersist.isEmpty()) {
                afterPersist(ready);
            } else {
                afterPersist.add(new Deferred(writeSeq, () -> afterPersist(ready)));
            }
        }
        for (String to : ready.snapshotsTo()) {
            snapshotTransfer.send(to);
        }
    }

    private void afterPersist(Ready ready) {
        for (Outbound outbound : ready.messagesAfterPersist()) {
            send(outbound.to(), new RuntimeMessage.Protocol(codec.encode(outbound.message())));
        }
        if (!ready.committed().isEmpty()) {
            List<LogEntry> committed = ready.committed();
            commandExecutor.execute(() -> {
                applier.apply(committed);
                if (!applier.snapshotDue()) {
                    return;
                }
                if (config.applyInline()) {
                    applyExecutor.execute(applier::snapshotIfDue); // a snapshot may take long: not on the loop
                } else {
                    applier.snapshotIfDue();
                }
            });
        }
        ready.reads().forEach(this::grant);
        for (RequestOutcome outcome : ready.outcomes()) {
            complete(outcome);
        }
    }

    private void complete(RequestOutcome outcome) {
        PendingRead read = reads.remove(outcome.requestId());
        if (read != null) {
            failRead(read, outcome.failure() != null ? outcome.failure() : RejectedException.Reason.NO_LEADER,
                    outcome.detail());
            return;
        }
        CompletableFuture<Void> request = requests.remove(outcome.requestId());
        if (request == null) {
            return;
        }
        if (outcome.succeeded()) {
            request.complete(null);
        } else {
            request.completeExceptionally(new RejectedException(outcome.failure(), outcome.detail()));
        }
    }

    @Override
    public void syncStarting() {
        meters.fsyncBatchWrites.record(writeSeq - syncingSeq);
        syncingSeq = writeSeq;
        syncingIndex = storage.lastIndex();
        LogEntry last = storage.entry(syncingIndex);
        syncingEra = last != null ? last.era()
                : storage.latestSnapshot().filter(s -> s.index() == syncingIndex).map(SnapshotMeta::era).orElse(0L);
    }

    @Override
    public void synced() {
        logContext.enter();
        if (closed) {
            return;
        }
        try {
            releaseDurable();
        } catch (RuntimeException | Error e) {
            failed(e);
        }
    }

    private void releaseDurable() {
        durableSeq = Math.max(durableSeq, syncingSeq);
        if (syncingIndex > 0) {
            core.persisted(syncingIndex, syncingEra);
        }
        while (!afterPersist.isEmpty() && afterPersist.peek().seq() <= durableSeq) {
            afterPersist.poll().action().run();
        }
        drain();
    }

    private void onStateChange(CoreState next) {
        CoreState previous = state;
        state = next;
        refreshStatus();
        if (previous.role() != next.role() || !java.util.Objects.equals(previous.leaderId(), next.leaderId())) {
            log.info("group {} on {}: {} (leader {}, era {})", groupId(), memberId(), next.role(), next.leaderId(), next.era());
        }
        countElections(previous, next);
        LeadershipListener.Change change = new LeadershipListener.Change(memberId(), next.role(), next.leaderId(), next.era());
        for (LeadershipListener listener : listeners) {
            try {
                listener.onChange(change);
            } catch (RuntimeException e) {
                log.warn("leadership listener failed", e);
            }
        }
        if (next.leaderId() != null && !unsent.isEmpty()) {
            scheduleFlush();
        }
        if (next.leaderId() != null && !readsAwaitingLeader.isEmpty()) {
            List<Runnable> waiting = new ArrayList<>(readsAwaitingLeader);
            readsAwaitingLeader.clear();
            waiting.forEach(Runnable::run);
        }
        if (next.role() != Role.LEADER) {
            // Reads this member was confirming as leader can no longer be granted by it.
            reads.entrySet().removeIf(e -> {
                if (e.getValue().origin() != null) {
                    failRead(e.getValue(), RejectedException.Reason.NO_LEADER, memberId() + " is no longer leader");
                    return true;
                }
                return false;
            });
        }
    }

    /** A new era as candidate is a new election; becoming leader is a won one (started too if no candidacy was seen). */
    private void countElections(CoreState previous, CoreState next) {
        boolean newCandidacy = next.role() == Role.CANDIDATE
                && (previous.role() != Role.CANDIDATE || previous.era() != next.era());
        boolean won = next.role() == Role.LEADER && previous.role() != Role.LEADER;
        if (newCandidacy || (won && previous.role() != Role.CANDIDATE)) {
            meters.electionsStarted.increment();
        }
        if (won) {
            meters.electionsWon.increment();
        }
    }

    private void refreshStatus() {
        GroupStatus previous = status;
        status = statusOf(core == null ? null : core.status());
        laggingFollowers.check(status);
        // Runs every heartbeat of every group: the rest only when the configuration object changed.
        if (previous.membership() == status.membership()) {
            return;
        }
        if (!previous.membership().equals(status.membership())) {
            log.info("group {} on {}: membership is now voters {}, learners {}{}", groupId(), memberId(),
                    ids(status.membership().voters()), ids(status.membership().learners()),
                    status.membership().outgoingVoters().isEmpty() ? ""
                            : ", leaving voters " + ids(status.membership().outgoingVoters()));
        }
        // The replicated configuration's address wins over consensus.members (sets keep the first of
        // an id), and addresses are compared too (sets compare ids only): a member that moved is
        // reached at its new address.
        java.util.SortedSet<Member> members = new java.util.TreeSet<>(status.membership().all());
        members.addAll(config.members());
        if (!List.copyOf(members).equals(List.copyOf(knownMembers))) {
            knownMembers = members;
            node.updateTransportMembers();
            meters.trackFollowers(ids(members));
        }
    }

    private static List<String> ids(java.util.Collection<Member> members) {
        return members.stream().map(Member::id).toList();
    }

    /** The bootstrap members and every member of the replicated configuration this member knows. */
    java.util.SortedSet<Member> knownMembers() {
        return knownMembers;
    }

    private GroupStatus statusOf(CoreStatus coreStatus) {
        if (coreStatus == null) {
            return new GroupStatus(groupId(), memberId(), config.protocol(), state.role(), null, state.era(), "",
                    0, applier.appliedCount(), Membership.ofVoters(new java.util.TreeSet<>(config.members())), List.of(),
                    false);
        }
        return new GroupStatus(groupId(), memberId(), config.protocol(), closed ? Role.STOPPED : coreStatus.state().role(),
                coreStatus.state().leaderId(), coreStatus.state().era(), coreStatus.eraDetail(), coreStatus.commitIndex(),
                applier.appliedCount(), coreStatus.membership(), coreStatus.followers(), asleep && !closed);
    }

    // ---- snapshots ------------------------------------------------------------------------------

    /**
     * On the loop: a snapshot received from {@code from} was stored; restore it, then reset the log.
     * A snapshot at or below what this member already applied is ignored (restoring it would move
     * the state backwards). Entries after the snapshot are kept when the entry at its index has the
     * snapshot's era, because they may already have been acknowledged (Raft paper section 7).
     */
    void installReceivedSnapshot(String from, SnapshotMeta meta, Runnable acknowledge) {
        installingSnapshot = true;
        applyExecutor.execute(() -> {
            if (meta.index() <= applier.appliedIndex()) {
                loop.execute(() -> {
                    installingSnapshot = false;
                    acknowledge.run();
                });
                return;
            }
            applier.restoreFrom(meta);
            loop.execute(() -> {
                installingSnapshot = false;
                if (closed) {
                    return;
                }
                resetLogTo(meta);
                writeSeq++;
                node.committer().request(this);
                core.snapshotInstalled(from, meta);
                drain();
                // Acknowledge only once the log reset is durable, so a crash cannot bring back
                // entries below a snapshot the leader was told about.
                afterPersist.add(new Deferred(writeSeq, acknowledge));
            });
        });
    }

    /**
     * Makes the log start after {@code snapshot}: entries after it are kept when the entry at its
     * index has its era (they may have been acknowledged, Raft paper section 7), else the log is
     * emptied.
     */
    private void resetLogTo(SnapshotMeta snapshot) {
        LogEntry atSnapshot = storage.entry(snapshot.index());
        if (atSnapshot == null || atSnapshot.era() != snapshot.era()) {
            if (storage.lastIndex() >= storage.firstIndex()) {
                storage.truncateFrom(storage.firstIndex());
            }
        }
        storage.compactUpTo(snapshot.index());
    }

    /**
     * On the loop: a write of a Ready found the disk full and the storage undid it, but the core
     * believes the Ready's writes were made. So it is replaced by a core rebuilt from the log as it
     * stands, exactly as after a crash that kept every write before the failed one, a state every
     * protocol recovers from. The rest of the Ready is dropped: its messages (writes precede sends, so
     * nothing sent depends on the undone write) and its post-persist work. The sync requested here
     * covers whatever part of the Ready was written, and the new core's acknowledgements wait for it.
     * Reads the old core was confirming fail (safe to retry); submits are re-sent, de-duplicated.
     * Cores write only when stepped, so on a disk still full the new core fails at a later step, not in
     * a loop here; the WARN is limited to one per {@value #FULL_DISK_WARN_MILLIS} ms.
     */
    private void restartCore(StorageFullException cause) {
        long now = loop.nowMillis();
        if (now - lastFullDiskWarnMillis >= FULL_DISK_WARN_MILLIS) {
            lastFullDiskWarnMillis = now;
            log.warn("group {} on {}: {}; restarting the protocol core from its log", groupId(), memberId(),
                    cause.getMessage());
        }
        writeSeq++;
        node.committer().request(this);
        reads.values().forEach(r -> failRead(r, RejectedException.Reason.NO_LEADER, "the disk of " + memberId() + " is full"));
        reads.clear();
        askedLeader.clear();
        core = protocol.createCore(new CoreContext(config, storage, null,
                new SplittableRandom(node.random().nextLong()), storageIsEmpty()));
        onStateChange(core.status().state());
    }

    /**
     * On the loop: the node's storage reports that this group's entries keep old log segments on disk
     * ({@link io.consensus.api.spi.NodeStorage#groupsPinningSegments()}). Snapshots now if anything
     * applied since the last snapshot, then compacts up to the latest snapshot without keeping
     * {@code consensus.snapshot.retain.entries} behind it: a follower that needed those gets the snapshot
     * instead, which costs less than a disk that only grows.
     */
    void releaseSegments() {
        if (closed || core == null) {
            return;
        }
        applyExecutor.execute(() -> {
            applier.snapshotNow();
            loop.execute(() -> {
                // Not while a received snapshot is installed: resetLogTo must still find the entry at its index.
                if (closed || installingSnapshot) {
                    return;
                }
                storage.latestSnapshot().map(SnapshotMeta::index).filter(index -> index >= storage.firstIndex())
                        .ifPresent(this::compact);
            });
        });
    }

    /** Compacts up to {@code upTo} (covered by a snapshot); on a full disk (already logged by the storage) it waits for the next try. */
    private void compact(long upTo) {
        try {
            storage.compactUpTo(upTo);
        } catch (StorageFullException e) {
            log.debug("group {} on {}: cannot compact the log up to {}: {}", groupId(), memberId(), upTo, e.getMessage());
        }
    }

    private boolean storageIsEmpty() {
        return storage.lastIndex() == 0 && storage.metadata() == null && storage.latestSnapshot().isEmpty();
    }

    /** Whether the log holds entries a snapshot should have replaced (stale ones at or below it). */
    private boolean logDisagreesWith(SnapshotMeta snapshot) {
        if (storage.lastIndex() < storage.firstIndex()) {
            return false;
        }
        LogEntry atSnapshot = storage.entry(snapshot.index());
        return atSnapshot == null ? storage.firstIndex() <= snapshot.index() : atSnapshot.era() != snapshot.era();
    }

    /** The native index applied so far (for refusing stale snapshots). */
    long appliedIndex() {
        return applier.appliedIndex();
    }

    private final class ApplyListener implements Applier.Listener {
        @Override
        public void applied(long nativeIndex) {
            loop.execute(() -> {
                if (core != null && !closed) {
                    core.applied(nativeIndex);
                    drain();
                }
            });
        }

        @Override
        public void snapshotMeasured(long sizeBytes, long durationMillis) {
            meters.snapshotTakenSize.record(sizeBytes);
            meters.snapshotTakenDuration.recordNanos(durationMillis * 1_000_000L);
        }

        @Override
        public void snapshotTaken(SnapshotMeta meta) {
            loop.execute(() -> {
                long upTo = meta.index() - config.snapshotRetainEntries();
                if (!closed && upTo >= storage.firstIndex()) {
                    compact(upTo);
                }
            });
        }

        @Override
        public void fatal(Throwable error) {
            loop.execute(() -> halt(error));
        }
    }

    ConsensusConfig config() {
        return config;
    }

    GroupMeters meters() {
        return meters;
    }

    EventLoop loop() {
        return loop;
    }
}
