package io.consensus.zab;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.api.Role;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.CoreState;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.Outbound;
import io.consensus.api.spi.ReadGrant;
import io.consensus.api.spi.Ready;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import io.consensus.core.protocol.MembershipCodec;
import io.consensus.storage.memory.MemoryNodeStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A small deterministic harness of N Zab cores that plays the runtime's part faithfully: each Ready
 * is carried out in the documented order on a {@link MemoryNodeStorage} (writes buffered, a sync makes
 * them durable, then post-persist messages, commits, reads and outcomes are released), snapshots are
 * taken, compacted, streamed and installed as the runtime does, and a crash keeps only what was
 * synced. The test controls the network (deliver in order or not, drop, partition) and time.
 *
 * <p>Safety is checked on every step: one established leader per epoch; every member delivers the
 * same transaction at each index, in order, without gaps (delivered sequences are prefixes of each
 * other, so no committed transaction is lost or changed); a granted read observes every transaction
 * committed before it was asked. Violations are collected, not thrown, so tests can show that a
 * fault switch is caught. Every message travels through {@link ZabCodec}.
 */
final class ZabCluster {

    /** A message in flight. */
    record Msg(String from, String to, ZabMessage message) {
        @Override
        public String toString() {
            return from + "->" + to + " " + message;
        }
    }

    /** A snapshot being streamed (by the runtime, in reality). */
    record Transfer(String from, String to, SnapshotMeta meta) {}

    /** A read asked of a member: the highest index committed anywhere when it was asked. */
    record AskedRead(String member, long floor) {}

    final class Node {
        final String id;
        final boolean bootstrapMember;
        ConsensusConfig config;
        MemoryNodeStorage storage = new MemoryNodeStorage();
        LogStorage log;
        ZabCore core;
        boolean up;
        /** Sync after every step (false: the test decides when writes become durable). */
        boolean autoSync = true;
        boolean dirty;
        final List<Ready> awaitingSync = new ArrayList<>();
        /** The state machine of this incarnation: everything up to here is applied. */
        long appliedIndex;
        Membership appliedMembership;
        long lastSnapshotIndex;
        final List<LogEntry> delivered = new ArrayList<>();

        Node(String id, boolean bootstrapMember, ConsensusConfig config) {
            this.id = id;
            this.bootstrapMember = bootstrapMember;
            this.config = config;
        }

        Role role() {
            return core.status().state().role();
        }

        boolean isLeader() {
            return up && role() == Role.LEADER;
        }

        @Override
        public String toString() {
            return up ? String.valueOf(core) : "DOWN " + id;
        }
    }

    final int electionTicks;
    final int heartbeatTicks;
    final ZabFaults faults;
    final Random random;
    final TreeMap<String, Node> nodes = new TreeMap<>();
    final List<Msg> network = new ArrayList<>();
    final List<Transfer> transfers = new ArrayList<>();
    private final List<String> initialIds;
    private final List<String> observerIds;
    private final Set<String> cut = new HashSet<>();
    private Predicate<Msg> dropFilter = m -> false;

    // Snapshot policy of the emulated runtime.
    long snapshotEvery = Long.MAX_VALUE;
    long snapshotRetain = 0;
    /** Keep delivering snapshot streams automatically. */
    boolean autoTransfer = true;
    /** Serve LEASE reads from the lease (this harness's ticks keep pace with its time). */
    boolean leaseReads = true;
    /** Keep log entries after an installed snapshot when they extend it (else truncate all, as today). */
    boolean keepSnapshotSuffix;
    /** Crash with a torn tail: keep a random prefix of unsynced writes. */
    boolean tornCrashes;
    /** Whether leaders may quiesce (see {@link #quiescing()}). */
    private boolean quiesce;
    /** Messages handed to the network so far. */
    long messagesSent;

    // Safety bookkeeping.
    final Map<Long, String> leaderOfEpoch = new HashMap<>();
    final TreeMap<Long, LogEntry> committed = new TreeMap<>();
    final List<String> violations = new ArrayList<>();
    final Map<Long, RequestOutcome> outcomes = new HashMap<>();
    final Map<Long, ReadGrant> grants = new HashMap<>();
    private final Map<Long, AskedRead> asked = new HashMap<>();
    private final Set<Long> transferRequests = new HashSet<>();
    long maxCommitted;
    long steps;
    private long nextRequestId = 1;
    private final List<Msg> recent = new ArrayList<>();

    /** How often each message type was delivered and each event happened (coverage of random runs). */
    final TreeMap<String, Long> coverage = new TreeMap<>();

    void count(String what) {
        coverage.merge(what, 1L, Long::sum);
    }

    /** Whether {@link #deliveredMessages} records every delivered message (scenario tests). */
    boolean recordDeliveries = true;
    final List<Msg> deliveredMessages = new ArrayList<>();

    /** Whether a message of this type reached {@code to}. */
    boolean received(String to, Class<? extends ZabMessage> type) {
        return deliveredMessages.stream().anyMatch(m -> m.to().equals(to) && type.isInstance(m.message()));
    }

    /** Debugging: when set, events of this member are printed. */
    String traced;

    void trace(String member, String text) {
        if (member.equals(traced)) {
            System.out.println("[" + steps + "] " + member + ": " + text);
        }
    }

    /** The last messages delivered (for failure reports). */
    List<Msg> recent() {
        return recent;
    }
    private long nextPayload = 1;

    ZabCluster(int members, long seed) {
        this(ids(members), seed, 10, 2, ZabFaults.NONE);
    }

    ZabCluster(List<String> ids, long seed, int electionTicks, int heartbeatTicks, ZabFaults faults) {
        this(ids, List.of(), seed, electionTicks, heartbeatTicks, faults);
    }

    /** A cluster whose bootstrap configuration has {@code voters} and {@code observers} (learners). */
    ZabCluster(List<String> voters, List<String> observers, long seed, int electionTicks, int heartbeatTicks,
               ZabFaults faults) {
        this.electionTicks = electionTicks;
        this.heartbeatTicks = heartbeatTicks;
        this.faults = faults;
        this.random = new Random(seed);
        this.initialIds = List.copyOf(voters);
        this.observerIds = List.copyOf(observers);
        List<String> all = new ArrayList<>(voters);
        all.addAll(observers);
        for (String id : all) {
            nodes.put(id, new Node(id, true, config(id, all)));
        }
    }

    /**
     * Lets leaders quiesce. Off by default: this harness ticks every core it is told to, where the
     * runtime would let a quiescent one sleep, so most scenarios here keep the always-ticking protocol.
     * Call before {@link #start()}.
     */
    ZabCluster quiescing() {
        quiesce = true;
        List<String> all = new ArrayList<>(nodes.keySet());
        for (Node node : nodes.values()) {
            node.config = config(node.id, all);
        }
        return this;
    }

    static List<String> ids(int members) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            ids.add(String.valueOf((char) ('a' + i)));
        }
        return ids;
    }

    private ConsensusConfig config(String id, List<String> members) {
        List<Member> list = new ArrayList<>();
        for (String m : members) {
            list.add(Member.local(m));
        }
        if (!members.contains(id)) {
            list.add(Member.local(id));
        }
        return ConsensusConfig.builder().memberId(id).members(list).protocol("zab")
                .storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE).tick(Duration.ofMillis(1))
                .electionTimeout(Duration.ofMillis(electionTicks)).heartbeatInterval(Duration.ofMillis(heartbeatTicks))
                .leaseDriftBound(0.1).quiesce(quiesce).build();
    }

    Membership initialMembership() {
        TreeSet<Member> voters = new TreeSet<>();
        initialIds.forEach(id -> voters.add(Member.local(id)));
        TreeSet<Member> learners = new TreeSet<>();
        observerIds.forEach(id -> learners.add(Member.local(id)));
        return new Membership(voters, learners, new TreeSet<>());
    }

    Node node(String id) {
        Node node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no member " + id);
        }
        return node;
    }

    /** Adds a member with an empty disk that does not bootstrap (it joins through reconfiguration). */
    Node addFreshMember(String id) {
        List<String> all = new ArrayList<>(nodes.keySet());
        Node node = new Node(id, false, config(id, all));
        nodes.put(id, node);
        return node;
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    ZabCluster start() {
        for (Node node : nodes.values()) {
            if (!node.up && node.core == null) {
                start(node.id);
            }
        }
        return this;
    }

    /** Starts (or restarts) a member from what its storage holds. */
    void start(String id) {
        Node node = node(id);
        node.log = node.storage.open(new GroupIdentity("cluster", "g", "zab", id));
        boolean empty = node.log.lastIndex() == 0 && node.log.metadata() == null && node.log.latestSnapshot().isEmpty();
        Membership bootstrap = empty && node.bootstrapMember ? initialMembership() : null;
        boolean fresh = empty && !node.bootstrapMember;
        checkDurableHistory(node);
        node.up = true;
        node.dirty = false;
        node.awaitingSync.clear();
        Optional<SnapshotMeta> snapshot = node.log.latestSnapshot();
        node.appliedIndex = snapshot.map(SnapshotMeta::index).orElse(0L);
        node.lastSnapshotIndex = node.appliedIndex;
        node.appliedMembership = snapshot.map(SnapshotMeta::membership).orElse(null);
        node.delivered.clear();
        trace(id, "start applied=" + node.appliedIndex + " log=" + node.log.firstIndex() + ".." + node.log.lastIndex());
        node.core = new ZabCore(new CoreContext(node.config, node.log, bootstrap,
                new SplittableRandom(random.nextLong()), fresh), faults, leaseReads);
        drain(node);
    }

    /** A durable history has no hole between its snapshot and its last transaction (ZOOKEEPER-3642's loss). */
    private void checkDurableHistory(Node node) {
        long base = node.log.latestSnapshot().map(SnapshotMeta::index).orElse(0L);
        long from = Math.max(base + 1, node.log.firstIndex());
        if (node.log.firstIndex() > base + 1 && node.log.lastIndex() > base) {
            violations.add(node.id + " restarted with transactions " + (base + 1) + ".." + (node.log.firstIndex() - 1)
                    + " neither in its log nor in a snapshot");
            return;
        }
        for (long i = from; i <= node.log.lastIndex(); i++) {
            if (node.log.entry(i) == null) {
                violations.add(node.id + " restarted with transaction " + i + " missing from its durable log");
                return;
            }
        }
    }

    /** Power loss: only synced writes survive (a torn tail if {@link #tornCrashes}). */
    void crash(String id) {
        Node node = node(id);
        if (!node.up) {
            return;
        }
        node.up = false;
        count("crash");
        trace(id, "crash");
        node.storage = tornCrashes ? node.storage.crash(new Random(random.nextLong())) : node.storage.crash();
        node.awaitingSync.clear();
        node.dirty = false;
        transfers.removeIf(t -> t.from().equals(id) || t.to().equals(id));
    }

    void restart(String id) {
        crash(id);
        start(id);
    }

    // ---- carrying out Ready ------------------------------------------------------------------

    void drain(Node node) {
        int guard = 0;
        while (node.up && node.core.hasReady()) {
            handle(node, node.core.ready());
            if (++guard > 10_000) {
                throw new IllegalStateException("core " + node.id + " never stops producing work");
            }
        }
    }

    private void handle(Node node, Ready ready) {
        if (ready.needsPersist()) {
            if (ready.truncateFrom() != Ready.NO_TRUNCATION) {
                node.log.truncateFrom(ready.truncateFrom());
            }
            if (!ready.entries().isEmpty()) {
                node.log.write(ready.entries());
            }
            if (ready.metadata() != null) {
                node.log.writeMetadata(ready.metadata());
            }
            node.dirty = true;
        }
        for (Outbound outbound : ready.messages()) {
            send(node.id, outbound);
        }
        if (ready.stateChange() != null) {
            onStateChange(node, ready.stateChange());
        }
        boolean postPersist = !ready.messagesAfterPersist().isEmpty() || !ready.committed().isEmpty()
                || !ready.reads().isEmpty() || !ready.outcomes().isEmpty();
        if (postPersist) {
            if (!node.dirty && node.awaitingSync.isEmpty()) {
                afterPersist(node, ready);
            } else {
                node.awaitingSync.add(ready);
            }
        }
        for (String to : ready.snapshotsTo()) {
            node.log.latestSnapshot().ifPresent(meta -> {
                Transfer transfer = new Transfer(node.id, to, meta);
                trace(to, "snapshot " + meta.index() + " requested by " + node.id);
                if (!transfers.contains(transfer)) {
                    transfers.add(transfer);
                }
            });
        }
    }

    private void send(String from, Outbound outbound) {
        // Every message goes through the codec, as it would on the wire.
        byte[] bytes = ZabCodec.INSTANCE.encode(outbound.message());
        messagesSent++;
        network.add(new Msg(from, outbound.to(), (ZabMessage) ZabCodec.INSTANCE.decode(bytes)));
    }

    private void afterPersist(Node node, Ready ready) {
        for (Outbound outbound : ready.messagesAfterPersist()) {
            send(node.id, outbound);
        }
        for (LogEntry entry : ready.committed()) {
            deliver(node, entry);
        }
        for (ReadGrant grant : ready.reads()) {
            count("readGranted");
            grants.put(grant.readId(), grant);
            AskedRead read = asked.remove(grant.readId());
            if (read != null && grant.index() < read.floor()) {
                violations.add("read " + grant.readId() + " on " + read.member() + " granted at " + grant.index()
                        + " misses transaction " + read.floor() + " committed before it was asked");
            }
        }
        for (RequestOutcome outcome : ready.outcomes()) {
            if (transferRequests.remove(outcome.requestId())) {
                count(outcome.succeeded() ? "transferSucceeded" : "transferFailed");
            }
            outcomes.put(outcome.requestId(), outcome);
            asked.remove(outcome.requestId());
        }
    }

    /** The runtime's apply path: in order, each once, checked against every other member. */
    private void deliver(Node node, LogEntry entry) {
        trace(node.id, "deliver " + entry + " applied=" + node.appliedIndex);
        if (entry.index() > node.appliedIndex + 1) {
            violations.add(node.id + " delivered " + entry.index() + " after " + node.appliedIndex + ": a gap");
        }
        LogEntry first = committed.putIfAbsent(entry.index(), entry);
        if (first != null && !sameTransaction(first, entry)) {
            violations.add(node.id + " delivered " + entry + " at " + entry.index() + " but " + first
                    + " was delivered there before");
        }
        maxCommitted = Math.max(maxCommitted, entry.index());
        if (entry.index() <= node.appliedIndex) {
            return; // the applier skips what it already has
        }
        node.appliedIndex = entry.index();
        node.delivered.add(entry);
        if (entry.kind() == EntryKind.CONFIG) {
            node.appliedMembership = MembershipCodec.decode(entry.payload());
        }
        node.core.applied(entry.index());
        maybeSnapshot(node, entry);
    }

    static boolean sameTransaction(LogEntry a, LogEntry b) {
        return a.index() == b.index() && a.era() == b.era() && a.kind() == b.kind() && Arrays.equals(a.payload(), b.payload());
    }

    private void maybeSnapshot(Node node, LogEntry last) {
        if (node.appliedIndex - node.lastSnapshotIndex < snapshotEvery) {
            return;
        }
        trace(node.id, "take snapshot " + node.appliedIndex);
        SnapshotMeta meta = new SnapshotMeta(node.appliedIndex, last.era(), node.appliedIndex, node.appliedMembership);
        installSnapshot(node, meta);
        node.lastSnapshotIndex = node.appliedIndex;
        long upTo = meta.index() - snapshotRetain;
        if (upTo >= node.log.firstIndex()) {
            node.log.compactUpTo(upTo);
            node.dirty = true;
        }
    }

    private static void installSnapshot(Node node, SnapshotMeta meta) {
        try (SnapshotStore.Writer writer = node.log.snapshots().begin(meta)) {
            writer.output().write(Long.toString(meta.index()).getBytes(StandardCharsets.UTF_8));
            writer.install();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void onStateChange(Node node, CoreState state) {
        if (state.role() == Role.LEADER) {
            count("leaderEstablished");
            String previous = leaderOfEpoch.putIfAbsent(state.era(), node.id);
            if (previous != null && !previous.equals(node.id)) {
                violations.add("two leaders in epoch " + state.era() + ": " + previous + " and " + node.id);
            }
        }
    }

    /** Makes a member's writes durable and releases what waited for them (GroupRuntime.synced). */
    void sync(String id) {
        Node node = node(id);
        if (!node.up) {
            return;
        }
        node.storage.sync();
        node.dirty = false;
        long last = node.log.lastIndex();
        if (last > 0) {
            LogEntry entry = node.log.entry(last);
            long era = entry != null ? entry.era()
                    : node.log.latestSnapshot().filter(s -> s.index() == last).map(SnapshotMeta::era).orElse(0L);
            node.core.persisted(last, era);
        }
        List<Ready> released = new ArrayList<>(node.awaitingSync);
        node.awaitingSync.clear();
        for (Ready ready : released) {
            afterPersist(node, ready);
        }
        drain(node);
    }

    void syncAll() {
        for (Node node : nodes.values()) {
            if (node.up && node.autoSync && (node.dirty || !node.awaitingSync.isEmpty())) {
                sync(node.id);
            }
        }
    }

    // ---- snapshots ---------------------------------------------------------------------------

    /**
     * Completes one snapshot stream as the runtime's SnapshotTransfer would, with two guards the
     * runtime needs (see docs/zab.md): a snapshot at or below what the member already applied is not
     * installed (a stream that outlived the leadership that asked for it), and log entries after the
     * snapshot are kept when the log holds the snapshot's last transaction (Raft §7's rule).
     */
    boolean completeTransfer(Transfer transfer) {
        transfers.remove(transfer);
        Node from = node(transfer.from());
        Node to = node(transfer.to());
        if (!from.up || !to.up || isCut(transfer.from(), transfer.to())) {
            return false;
        }
        SnapshotMeta meta = transfer.meta();
        if (meta.index() <= to.appliedIndex) {
            count("staleSnapshotSkipped");
            trace(to.id, "skip stale snapshot " + meta.index() + " applied=" + to.appliedIndex);
            return false;
        }
        count("snapshotInstalled");
        trace(to.id, "install snapshot " + meta.index() + " from " + transfer.from());
        LogEntry at = to.log.entry(meta.index());
        boolean keepSuffix = keepSnapshotSuffix && at != null && at.era() == meta.era();
        installSnapshot(to, meta); // durable when install() returns
        if (!keepSuffix) {
            to.log.truncateFrom(to.log.firstIndex());
        }
        to.log.compactUpTo(meta.index());
        to.dirty = true;
        to.appliedIndex = meta.index();
        to.appliedMembership = meta.membership();
        to.lastSnapshotIndex = meta.index();
        to.core.snapshotInstalled(transfer.from(), meta);
        drain(to);
        return true;
    }

    void completeTransfers() {
        for (Transfer transfer : new ArrayList<>(transfers)) {
            completeTransfer(transfer);
        }
    }

    // ---- network -----------------------------------------------------------------------------

    boolean isCut(String a, String b) {
        return cut.contains(a + "|" + b) || cut.contains(b + "|" + a);
    }

    /** Cuts every link between the two sides. */
    void partition(Set<String> side) {
        for (String a : nodes.keySet()) {
            for (String b : nodes.keySet()) {
                if (side.contains(a) != side.contains(b)) {
                    cut.add(a + "|" + b);
                }
            }
        }
    }

    void isolate(String id) {
        partition(Set.of(id));
    }

    void heal() {
        cut.clear();
    }

    void dropWhere(Predicate<Msg> filter) {
        dropFilter = filter;
    }

    /** Delivers one message; returns whether it reached a running member. */
    boolean deliver(Msg msg) {
        network.remove(msg);
        Node to = nodes.get(msg.to());
        if (to == null || !to.up || isCut(msg.from(), msg.to()) || dropFilter.test(msg)) {
            return false;
        }
        steps++;
        count(msg.message().getClass().getSimpleName());
        if (recordDeliveries) {
            deliveredMessages.add(msg);
        }
        recent.add(msg);
        if (recent.size() > 12) {
            recent.remove(0);
        }
        to.core.receive(msg.from(), msg.message());
        drain(to);
        return true;
    }

    /** Delivers messages in order until none is left (bounded), syncing auto-sync members between. */
    void deliverAll() {
        for (int round = 0; round < 10_000; round++) {
            syncAll();
            if (autoTransfer) {
                completeTransfers();
            }
            if (network.isEmpty()) {
                syncAll();
                if (network.isEmpty()) {
                    return;
                }
            }
            deliver(network.get(0));
        }
        throw new IllegalStateException("network never quiesces: " + network.size() + " messages left");
    }

    /** Delivers only the messages matching {@code filter} (in order), leaving the rest. */
    void deliverOnly(Predicate<Msg> filter) {
        for (int round = 0; round < 10_000; round++) {
            syncAll();
            Optional<Msg> next = network.stream().filter(filter).findFirst();
            if (next.isEmpty()) {
                return;
            }
            deliver(next.get());
        }
    }

    /** Drops every message in flight. */
    void dropAll() {
        network.clear();
    }

    void tick(String id) {
        Node node = node(id);
        if (node.up) {
            steps++;
            node.core.tick();
            drain(node);
        }
    }

    void tickAll() {
        for (Node node : nodes.values()) {
            tick(node.id);
        }
    }

    /**
     * Like {@link #run}, but as the runtime does: a quiescent core is not ticked. Returns how many
     * messages were sent meanwhile.
     */
    long runSkippingQuiescent(int ticks) {
        long before = messagesSent;
        for (int i = 0; i < ticks; i++) {
            deliverAll();
            for (Node node : nodes.values()) {
                if (node.up && !node.core.quiescent()) {
                    tick(node.id);
                }
            }
        }
        deliverAll();
        return messagesSent - before;
    }

    /** Ticks and delivers until {@code done} holds (or fails after {@code maxTicks}). */
    void runUntil(BooleanSupplier done, int maxTicks, String what) {
        for (int i = 0; i < maxTicks; i++) {
            deliverAll();
            if (done.getAsBoolean()) {
                return;
            }
            tickAll();
        }
        deliverAll();
        if (!done.getAsBoolean()) {
            throw new AssertionError("not reached within " + maxTicks + " ticks: " + what + "\n" + describe());
        }
    }

    /** Ticks and delivers for a while. */
    void run(int ticks) {
        for (int i = 0; i < ticks; i++) {
            deliverAll();
            tickAll();
        }
        deliverAll();
    }

    // ---- client operations -------------------------------------------------------------------

    Optional<Node> leader() {
        return nodes.values().stream().filter(Node::isLeader).findFirst();
    }

    String awaitLeader() {
        runUntil(() -> leader().isPresent(), 40 * electionTicks, "a leader is established");
        return leader().get().id;
    }

    static byte[] payload(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Proposes a fresh command on {@code id}; returns whether it was accepted. */
    boolean propose(String id, String text) {
        Node node = node(id);
        boolean accepted = node.up && node.core.propose(payload(text));
        drain(node);
        return accepted;
    }

    String nextCommand() {
        return "cmd-" + nextPayload++;
    }

    /** Proposes on the established leader: its id, or null if there is none or it refused (during a transfer). */
    private String proposeOnLeader(String text) {
        Optional<Node> leader = leader();
        return leader.isPresent() && propose(leader.get().id, text) ? leader.get().id : null;
    }

    /** Proposes on the leader and waits until every running member it can reach delivered it. */
    long write(String text) {
        String accepted = proposeOnLeader(text);
        for (int ticks = 0; accepted == null; ticks++) {
            if (ticks > 40 * electionTicks) {
                throw new AssertionError("no leader accepted " + text + " within " + ticks + " ticks\n" + describe());
            }
            deliverAll();
            tickAll();
            accepted = proposeOnLeader(text);
        }
        String leader = accepted;
        long index = node(leader).log.lastIndex();
        runUntil(() -> nodes.values().stream().filter(n -> n.up && !isCut(leader, n.id)).allMatch(n -> n.appliedIndex >= index),
                40 * electionTicks, "transaction " + index + " delivered on every member the leader reaches");
        return index;
    }

    long read(String id, ReadConsistency consistency) {
        long readId = nextRequestId++;
        asked.put(readId, new AskedRead(id, maxCommitted));
        Node node = node(id);
        node.core.read(readId, consistency);
        drain(node);
        return readId;
    }

    long changeMembership(String id, MembershipChange change) {
        long requestId = nextRequestId++;
        Node node = node(id);
        node.core.changeMembership(requestId, change);
        drain(node);
        return requestId;
    }

    long transferLeadership(String id, String target) {
        long requestId = nextRequestId++;
        transferRequests.add(requestId);
        Node node = node(id);
        node.core.transferLeadership(requestId, target);
        drain(node);
        return requestId;
    }

    /** Transactions in a member's log (index 1 up to its last), for assertions. */
    List<LogEntry> logOf(String id) {
        Node node = node(id);
        List<LogEntry> entries = new ArrayList<>();
        for (long i = node.log.firstIndex(); i <= node.log.lastIndex(); i++) {
            LogEntry entry = node.log.entry(i);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** Checks that every running member's log agrees with everything delivered anywhere. */
    void checkLogsHoldCommitted() {
        for (Node node : nodes.values()) {
            if (!node.up) {
                continue;
            }
            long base = node.log.latestSnapshot().map(SnapshotMeta::index).orElse(0L);
            for (Map.Entry<Long, LogEntry> c : committed.entrySet()) {
                if (c.getKey() <= base || c.getKey() > node.core.commitIndex()) {
                    continue;
                }
                LogEntry mine = node.log.entry(c.getKey());
                if (mine != null && !sameTransaction(mine, c.getValue())) {
                    violations.add(node.id + " holds " + mine + " where " + c.getValue() + " was committed");
                }
            }
        }
    }

    String describe() {
        StringBuilder text = new StringBuilder();
        for (Node node : nodes.values()) {
            text.append("  ").append(node).append('\n');
        }
        text.append("  in flight: ").append(network.size()).append(", violations: ").append(violations);
        return text.toString();
    }
}
