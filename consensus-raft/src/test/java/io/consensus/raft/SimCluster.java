package io.consensus.raft;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.api.Role;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.Outbound;
import io.consensus.api.spi.ReadGrant;
import io.consensus.api.spi.Ready;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.core.protocol.MembershipCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A small pure harness: N Raft cores, in-memory logs that can lose unsynced writes, a message pool
 * the test controls (deliver in order or any order, drop, partition), and safety checks on every
 * step: one leader per term, committed entries never change, reads never miss a committed write.
 * Every message travels through {@link RaftCodec}.
 */
final class SimCluster {

    /** A message in flight. */
    record Msg(String from, String to, RaftMessage message) {
        @Override
        public String toString() {
            return from + "->" + to + " " + message;
        }
    }

    /** A snapshot being streamed (by the runtime, in reality). */
    record SnapshotSend(String from, String to, SnapshotMeta meta) {}

    final class Node {
        final String id;
        final boolean bootstrapMember;
        final MemLog log = new MemLog();
        ConsensusConfig config;
        RaftCore core;
        boolean up;
        boolean autoSync = true;
        final List<Ready> unsynced = new ArrayList<>();
        /** Last index handed to this incarnation's state machine. */
        long applied;
        long readsServed;

        Node(String id, boolean bootstrapMember) {
            this.id = id;
            this.bootstrapMember = bootstrapMember;
        }

        Role role() {
            return core.status().state().role();
        }

        boolean isLeader() {
            return up && core.role() == RaftRole.LEADER;
        }

        @Override
        public String toString() {
            return (up ? "" : "DOWN ") + core;
        }
    }

    final int electionTicks;
    final int heartbeatTicks;
    final double driftBound;
    final RaftFaults faults;
    final long seed;
    final Random random;
    final TreeMap<String, Node> nodes = new TreeMap<>();
    final List<Msg> network = new ArrayList<>();
    final List<SnapshotSend> snapshots = new ArrayList<>();
    private final Set<String> originalIds = new TreeSet<>();
    private Function<String, RandomGenerator> randomFor;

    // Links: a message is dropped at delivery if its link is cut.
    private final Map<String, Integer> side = new HashMap<>();
    private final Set<String> cutLinks = new HashSet<>();
    private Predicate<Msg> dropFilter = m -> false;

    // Safety bookkeeping.
    final Map<Long, String> leaderOfTerm = new HashMap<>();
    final TreeMap<Long, LogEntry> committed = new TreeMap<>();
    final List<String> violations = new ArrayList<>();
    boolean strict = true;
    /** Keep requested snapshots in {@link #snapshots} instead of delivering them (a slow stream). */
    boolean holdSnapshots;
    final Map<Long, RequestOutcome> outcomes = new HashMap<>();
    final Map<Long, ReadGrant> grants = new HashMap<>();
    private final Map<Long, Long> readFloor = new HashMap<>();
    long maxCommitted;
    long leaderChanges;
    long snapshotInstalls;
    final Map<String, Integer> snapshotRequests = new HashMap<>();
    long truncations;
    long steps;
    private long nextReadId = 1;
    private boolean quiesce;

    SimCluster(int members, long seed) {
        this(ids(members), seed, 10, 2, 0.1, RaftFaults.NONE);
    }

    SimCluster(List<String> ids, long seed, int electionTicks, int heartbeatTicks, double driftBound, RaftFaults faults) {
        this.electionTicks = electionTicks;
        this.heartbeatTicks = heartbeatTicks;
        this.driftBound = driftBound;
        this.faults = faults;
        this.seed = seed;
        this.random = new Random(seed);
        this.randomFor = id -> new Random(seed * 1_000_003L + id.hashCode() * 7919L + steps);
        originalIds.addAll(ids);
        for (String id : ids) {
            Node node = new Node(id, true);
            nodes.put(id, node);
            node.config = config(id, ids);
        }
    }

    static List<String> ids(int members) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            ids.add(String.valueOf((char) ('a' + i)));
        }
        return ids;
    }

    /** Uses a chosen random source per member (e.g. {@link FixedRandom} to fix election timeouts). */
    SimCluster randomFor(Function<String, RandomGenerator> factory) {
        this.randomFor = factory;
        return this;
    }

    /** Starts every member not yet started. */
    SimCluster start() {
        for (Node node : nodes.values()) {
            if (node.core == null) {
                restart(node.id);
            }
        }
        return this;
    }

    /**
     * Lets leaders quiesce. Off by default: this cluster ticks every core it is told to, where the
     * runtime would let a quiescent one sleep, so most scenarios here keep the always-ticking protocol.
     */
    SimCluster quiescing() {
        quiesce = true;
        for (Node node : nodes.values()) {
            node.config = config(node.id, new ArrayList<>(originalIds));
        }
        return this;
    }

    private ConsensusConfig config(String id, List<String> members) {
        List<Member> list = new ArrayList<>();
        for (String m : members) {
            list.add(Member.local(m));
        }
        return ConsensusConfig.builder().memberId(id).members(list).storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE)
                .tick(Duration.ofMillis(1)).electionTimeout(Duration.ofMillis(electionTicks))
                .heartbeatInterval(Duration.ofMillis(heartbeatTicks)).leaseDriftBound(driftBound).quiesce(quiesce).build();
    }

    Membership bootstrapMembership() {
        TreeSet<Member> voters = new TreeSet<>();
        originalIds.forEach(id -> voters.add(Member.local(id)));
        return Membership.ofVoters(voters);
    }

    /** Writes a log of the given terms (index 1..n) and a term into a member's storage, before start. */
    void preset(String id, long term, long... entryTerms) {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < entryTerms.length; i++) {
            // Same index and term, same entry (the Log Matching Property): the payload depends on nothing else.
            entries.add(new LogEntry(i + 1, entryTerms[i], EntryKind.COMMANDS,
                    ("e" + (i + 1) + "@" + entryTerms[i]).getBytes(StandardCharsets.UTF_8)));
        }
        node(id).log.preset(entries, new RaftMetadata(term, null, 0).encode());
    }

    /** Overwrites a stopped member's durable term (as if it had campaigned alone for a while). */
    void setDurableTerm(String id, long term) {
        Node node = node(id);
        RaftMetadata old = RaftMetadata.decode(node.log.metadata());
        node.log.setDurableMetadata(new RaftMetadata(term, null, old.joinedTerm()).encode());
    }

    /** Adds a member with an empty disk that did not bootstrap (it joins through a membership change). */
    Node addFreshMember(String id) {
        Node node = new Node(id, false);
        List<String> all = new ArrayList<>(originalIds);
        all.add(id);
        node.config = config(id, all);
        nodes.put(id, node);
        restart(id);
        return node;
    }

    Node node(String id) {
        return nodes.get(id);
    }

    RaftCore core(String id) {
        return nodes.get(id).core;
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    void crash(String id) {
        Node node = node(id);
        node.up = false;
        node.unsynced.clear();
        node.log.crash();
    }

    void restart(String id) {
        Node node = node(id);
        node.log.crash(); // only durable state survives
        node.unsynced.clear();
        node.autoSync = true;
        boolean empty = node.log.lastIndex() == 0 && node.log.metadata() == null && node.log.latestSnapshot().isEmpty();
        Membership bootstrap = node.bootstrapMember ? bootstrapMembership() : null;
        boolean fresh = !node.bootstrapMember && empty;
        CoreContext context = new CoreContext(node.config, node.log, bootstrap, randomFor.apply(id), fresh);
        node.core = new RaftCore(context, faults);
        node.applied = node.log.latestSnapshot().map(SnapshotMeta::index).orElse(0L);
        node.up = true;
        drive(node);
    }

    // ---- inputs ------------------------------------------------------------------------------------

    void tick(String id) {
        Node node = node(id);
        if (node.up) {
            step(node, () -> node.core.tick());
        }
    }

    void tickAll() {
        for (Node node : nodes.values()) {
            tick(node.id);
        }
    }

    /** Ticks every member and delivers everything, {@code n} times: latency far below a tick. */
    void run(int n) {
        for (int i = 0; i < n; i++) {
            tickAll();
            deliverAll();
        }
    }

    /**
     * Like {@link #run}, but as the runtime does: a quiescent core is not ticked. Returns how many
     * messages were sent meanwhile.
     */
    int runSkippingQuiescent(int n) {
        int sent = 0;
        for (int i = 0; i < n; i++) {
            for (Node node : nodes.values()) {
                if (!node.core.quiescent()) {
                    tick(node.id);
                }
            }
            sent += network.size();
            deliverAll();
        }
        return sent;
    }

    /** Runs until the predicate holds; returns the ticks it took, or -1. */
    int runUntil(Predicate<SimCluster> done, int maxTicks) {
        deliverAll();
        for (int i = 0; i <= maxTicks; i++) {
            if (done.test(this)) {
                return i;
            }
            tickAll();
            deliverAll();
        }
        return -1;
    }

    boolean propose(String id, String command) {
        Node node = node(id);
        boolean[] accepted = new boolean[1];
        step(node, () -> accepted[0] = node.core.propose(command.getBytes(StandardCharsets.UTF_8)));
        return accepted[0];
    }

    long read(String id, ReadConsistency consistency) {
        long readId = nextReadId++;
        readFloor.put(readId, maxCommitted);
        Node node = node(id);
        step(node, () -> node.core.read(readId, consistency));
        return readId;
    }

    long changeMembership(String id, MembershipChange change) {
        long requestId = nextReadId++;
        Node node = node(id);
        step(node, () -> node.core.changeMembership(requestId, change));
        return requestId;
    }

    long transfer(String id, String target) {
        long requestId = nextReadId++;
        Node node = node(id);
        step(node, () -> node.core.transferLeadership(requestId, target));
        return requestId;
    }

    void sync(String id) {
        Node node = node(id);
        if (!node.up) {
            return;
        }
        node.log.sync();
        List<Ready> done = new ArrayList<>(node.unsynced);
        node.unsynced.clear();
        step(node, () -> done.forEach(r -> afterPersist(node, r)));
    }

    /** Takes a snapshot at the member's applied index and compacts, keeping {@code retain} entries. */
    void snapshot(String id, long retain) {
        Node node = node(id);
        long index = node.applied;
        if (index == 0 || index <= node.log.latestSnapshot().map(SnapshotMeta::index).orElse(0L)) {
            return;
        }
        LogEntry at = node.log.entry(index);
        if (at == null) {
            return;
        }
        SnapshotMeta meta = new SnapshotMeta(index, at.era(), index, membershipAt(node, index));
        node.log.snapshotAndCompact(meta, Math.max(0, index - retain));
    }

    private Membership membershipAt(Node node, long index) {
        for (long i = index; i >= node.log.firstIndex(); i--) {
            LogEntry entry = node.log.entry(i);
            if (entry != null && entry.kind() == EntryKind.CONFIG) {
                return MembershipCodec.decode(entry.payload());
            }
        }
        return node.log.latestSnapshot().map(SnapshotMeta::membership).orElse(bootstrapMembership());
    }

    // ---- the network ----------------------------------------------------------------------------

    void isolate(String id) {
        partition(Set.of(id));
    }

    /** Members in {@code group} talk only to each other; the rest only to each other. */
    void partition(Set<String> group) {
        side.clear();
        for (String id : nodes.keySet()) {
            side.put(id, group.contains(id) ? 1 : 0);
        }
    }

    void cut(String from, String to) {
        cutLinks.add(from + ">" + to);
    }

    void heal() {
        side.clear();
        cutLinks.clear();
        dropFilter = m -> false;
    }

    void dropIf(Predicate<Msg> filter) {
        dropFilter = filter;
    }

    boolean linked(String from, String to) {
        return side.getOrDefault(from, 0).equals(side.getOrDefault(to, 0)) && !cutLinks.contains(from + ">" + to);
    }

    /** Delivers in-flight messages in order until none is left. */
    void deliverAll() {
        int guard = 0;
        while (!network.isEmpty() || !snapshots.isEmpty()) {
            if (++guard > 1_000_000) {
                throw new AssertionError("messages never stop: " + network.subList(0, Math.min(10, network.size())));
            }
            if (!snapshots.isEmpty() && !holdSnapshots) {
                deliverSnapshot(snapshots.remove(0));
            } else if (network.isEmpty()) {
                return;
            } else {
                deliver(network.remove(0));
            }
        }
    }

    void deliverAt(int position) {
        deliver(network.remove(position));
    }

    void deliver(Msg msg) {
        Node to = nodes.get(msg.to());
        if (to == null || !to.up || !linked(msg.from(), msg.to()) || dropFilter.test(msg)) {
            return;
        }
        step(to, () -> to.core.receive(msg.from(), msg.message()));
    }

    void deliverSnapshot(SnapshotSend send) {
        Node to = nodes.get(send.to());
        if (to == null || !to.up || !linked(send.from(), send.to())) {
            return;
        }
        sync(to.id); // what was queued behind the last sync completes first
        if (!to.up || send.meta().index() <= to.applied) {
            return; // a runtime ignores a snapshot that is not newer than its state
        }
        to.log.installSnapshot(send.meta());
        snapshotInstalls++;
        to.applied = Math.max(to.applied, send.meta().index());
        step(to, () -> to.core.snapshotInstalled(send.from(), send.meta()));
    }

    // ---- performing Ready ---------------------------------------------------------------------

    private void step(Node node, Runnable input) {
        steps++;
        try {
            input.run();
            drive(node);
        } catch (IllegalStateException e) {
            violation(node.id + " halted on an invariant: " + e.getMessage());
            node.up = false;
            if (strict) {
                throw e;
            }
        }
    }

    private void drive(Node node) {
        int guard = 0;
        while (node.up && node.core.hasReady()) {
            if (++guard > 10_000) {
                throw new AssertionError("ready never drains on " + node.id);
            }
            perform(node, node.core.ready());
        }
    }

    /** Carries out a Ready in the order its javadoc states. */
    private void perform(Node node, Ready ready) {
        if (ready.truncateFrom() != Ready.NO_TRUNCATION) {
            truncations++;
        }
        node.log.write(ready);
        for (Outbound out : ready.messages()) {
            send(node.id, out);
        }
        if (ready.stateChange() != null && ready.stateChange().role() == Role.LEADER) {
            String before = leaderOfTerm.putIfAbsent(ready.stateChange().era(), node.id);
            leaderChanges++;
            if (before != null && !before.equals(node.id)) {
                violation("two leaders in term " + ready.stateChange().era() + ": " + before + " and " + node.id);
            }
        }
        boolean mustWait = ready.needsPersist() || !node.unsynced.isEmpty();
        if (mustWait && !node.autoSync) {
            node.unsynced.add(ready);
        } else {
            node.log.sync();
            afterPersist(node, ready);
        }
        SnapshotMeta snapshot = node.log.latestSnapshot().orElse(null);
        for (String to : ready.snapshotsTo()) {
            snapshotRequests.merge(to, 1, Integer::sum);
            if (snapshot != null) {
                snapshots.add(new SnapshotSend(node.id, to, snapshot));
            }
        }
    }

    private void afterPersist(Node node, Ready ready) {
        for (Outbound out : ready.messagesAfterPersist()) {
            send(node.id, out);
        }
        if (!ready.entries().isEmpty()) {
            LogEntry last = ready.entries().get(ready.entries().size() - 1);
            node.core.persisted(last.index(), last.era());
        }
        for (LogEntry entry : ready.committed()) {
            apply(node, entry);
        }
        if (!ready.committed().isEmpty()) {
            node.core.applied(node.applied);
        }
        for (ReadGrant grant : ready.reads()) {
            grants.put(grant.readId(), grant);
            node.readsServed++;
            long floor = readFloor.getOrDefault(grant.readId(), 0L);
            if (grant.index() < floor) {
                violation("read " + grant.readId() + " on " + node.id + " granted at " + grant.index()
                        + " but " + floor + " was committed before it was issued");
            }
        }
        for (RequestOutcome outcome : ready.outcomes()) {
            outcomes.put(outcome.requestId(), outcome);
        }
    }

    private void apply(Node node, LogEntry entry) {
        if (entry.index() != node.applied + 1) {
            violation(node.id + " committed " + entry.index() + " after " + node.applied);
        }
        node.applied = entry.index();
        LogEntry known = committed.putIfAbsent(entry.index(), entry);
        if (known != null && (known.era() != entry.era() || !Arrays.equals(known.payload(), entry.payload()))) {
            violation("committed entry " + entry.index() + " changed: " + known + " then " + entry + " on " + node.id);
        }
        maxCommitted = Math.max(maxCommitted, entry.index());
    }

    private void send(String from, Outbound out) {
        // Every message crosses the wire format.
        RaftMessage decoded = RaftCodec.INSTANCE.decode(RaftCodec.INSTANCE.encode(out.message()));
        network.add(new Msg(from, out.to(), decoded));
    }

    void violation(String what) {
        violations.add(what + " (seed " + seed + ", step " + steps + ")");
        if (strict) {
            throw new AssertionError(violations.get(violations.size() - 1));
        }
    }

    // ---- queries --------------------------------------------------------------------------------

    /** The up member that leads in the highest term, or null. */
    String leader() {
        String best = null;
        long bestTerm = -1;
        for (Node node : nodes.values()) {
            if (node.isLeader() && node.core.term() > bestTerm) {
                best = node.id;
                bestTerm = node.core.term();
            }
        }
        return best;
    }

    /** Runs until some member leads and has committed an entry of its term. */
    String awaitLeader(int maxTicks) {
        int took = runUntil(c -> {
            String l = c.leader();
            return l != null && c.core(l).leader.established();
        }, maxTicks);
        if (took < 0) {
            throw new AssertionError("no leader within " + maxTicks + " ticks: " + nodes.values());
        }
        return leader();
    }

    boolean hasPending() {
        return !network.isEmpty() || !snapshots.isEmpty();
    }

    /** The ticks per member a lease lasts (for tests). */
    long leaseTicks(String leaderId) {
        return core(leaderId).leader.reads.leaseTicks();
    }

    static final class FixedRandom implements RandomGenerator {
        private final int value;

        FixedRandom(int value) {
            this.value = value;
        }

        @Override
        public long nextLong() {
            return value;
        }

        @Override
        public int nextInt(int bound) {
            return Math.min(value, bound - 1);
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("seed " + seed + "\n");
        nodes.values().forEach(n -> text.append("  ").append(n).append(' ').append(n.log.eras()).append('\n'));
        return text.toString();
    }

    /** Drains queued messages FIFO (ArrayDeque view, for tests that want to inspect them). */
    ArrayDeque<Msg> pending() {
        return new ArrayDeque<>(network);
    }
}
