package io.consensus.paxos;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.api.Role;
import io.consensus.api.spi.CoreContext;
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
import io.consensus.core.protocol.Quorum;
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
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A small pure harness: N Paxos cores on the real in-memory storage (writes become durable only at a
 * sync; a crash keeps only what was synced), a message pool the test controls (deliver in order or in
 * any order, drop, duplicate, partition), snapshots carried out as the runtime does (including its
 * emptying of the log under a snapshot whose slot does not match), and safety checks on every step:
 * <ul>
 *   <li>no slot is ever chosen with two values, where "chosen" is Paxos' own definition: a quorum of
 *       the slot's configuration durably accepted the value in one ballot (an observer that sees every
 *       member's durable writes), and no member ever learns a value other than the chosen one;</li>
 *   <li>one ballot proposes one value per slot; one member leads a ballot;</li>
 *   <li>every member applies slots strictly in order, so applied sequences are prefixes of each other;</li>
 *   <li>a read is never granted below a slot some member applied before the read was issued.</li>
 * </ul>
 * Every message crosses {@link PaxosCodec}.
 */
final class PaxosCluster {

    record Msg(String from, String to, PaxosMessage message) {
        @Override
        public String toString() {
            return from + "->" + to + " " + message;
        }
    }

    record SnapshotSend(String from, String to, SnapshotMeta meta) {}

    final class Node {
        final String id;
        final boolean bootstrapMember;
        ConsensusConfig config;
        MemoryNodeStorage storage = new MemoryNodeStorage();
        LogStorage log;
        PaxosCore core;
        boolean up;
        boolean autoSync = true;
        final List<Ready> unsynced = new ArrayList<>();
        /** The last slot this incarnation's state machine applied. */
        long applied;
        Membership appliedMembership;
        long readsServed;

        Node(String id, boolean bootstrapMember) {
            this.id = id;
            this.bootstrapMember = bootstrapMember;
            this.log = storage.open(identity(id));
        }

        boolean isLeader() {
            return up && core.role() == PaxosRole.LEADER;
        }

        @Override
        public String toString() {
            return (up ? "" : "DOWN ") + core + " applied=" + applied + " log=" + slots(this);
        }
    }

    final int electionTicks;
    final int heartbeatTicks;
    final double driftBound;
    final PaxosFaults faults;
    final long seed;
    final TreeMap<String, Node> nodes = new TreeMap<>();
    final List<Msg> network = new ArrayList<>();
    final List<SnapshotSend> snapshots = new ArrayList<>();
    private final Set<String> originalIds = new TreeSet<>();
    private Function<String, RandomGenerator> randomFor;
    /** Lease reads on: this harness never loses ticks (the real runtime can, see {@link PaxosProtocol}). */
    boolean leaseReads = true;
    /** A torn tail on crash: a random prefix of the unsynced writes survives. */
    Random tear;

    // Links: a message is dropped at delivery if its link is cut.
    private final Map<String, Integer> side = new HashMap<>();
    private final Set<String> cutLinks = new HashSet<>();
    private Predicate<Msg> dropFilter = m -> false;
    /** Sees every message sent (tests count or capture them). */
    java.util.function.Consumer<Msg> sent = m -> { };

    // Safety bookkeeping.
    final Map<Long, String> leaderOfBallot = new HashMap<>();
    /** The value every member learnt for each slot. */
    final TreeMap<Long, LogEntry> learnt = new TreeMap<>();
    private final TreeMap<Long, Membership> learntConfigs = new TreeMap<>();
    /** The one value of each (slot, ballot), from every durable write anywhere. */
    private final Map<List<Long>, LogEntry> valueOf = new HashMap<>();
    /** Who durably accepted each (slot, ballot). */
    private final Map<List<Long>, Set<String>> acceptors = new HashMap<>();
    /** The value observed chosen (quorum of acceptors in one ballot) per slot. */
    final TreeMap<Long, LogEntry> observedChosen = new TreeMap<>();
    final List<String> violations = new ArrayList<>();
    boolean strict = true;
    /** Keep requested snapshots in {@link #snapshots} instead of delivering them with the other messages. */
    boolean holdSnapshots;
    final Map<Long, RequestOutcome> outcomes = new HashMap<>();
    final Map<Long, ReadGrant> grants = new HashMap<>();
    private final Map<Long, Long> readFloor = new HashMap<>();
    long maxLearnt;
    long leaderChanges;
    long snapshotInstalls;
    long logsEmptiedBySnapshot;
    long noopsLearnt;
    long steps;
    long messagesSent;
    private long nextRequestId = 1;
    private boolean quiesce;

    PaxosCluster(int members, long seed) {
        this(ids(members), seed, 10, 2, 0.1, PaxosFaults.NONE);
    }

    PaxosCluster(List<String> ids, long seed, int electionTicks, int heartbeatTicks, double driftBound,
                 PaxosFaults faults) {
        this.electionTicks = electionTicks;
        this.heartbeatTicks = heartbeatTicks;
        this.driftBound = driftBound;
        this.faults = faults;
        this.seed = seed;
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

    static GroupIdentity identity(String id) {
        return new GroupIdentity("test", "g", "paxos", id);
    }

    /** Uses a chosen random source per member (e.g. {@link FixedRandom} to fix election timeouts). */
    PaxosCluster randomFor(Function<String, RandomGenerator> factory) {
        this.randomFor = factory;
        return this;
    }

    /**
     * Lets leaders quiesce. Off by default: this harness ticks every core it is told to, where the
     * runtime would let a quiescent one sleep, so most scenarios keep the always-ticking protocol.
     * Call before {@link #start()}.
     */
    PaxosCluster quiescing() {
        quiesce = true;
        for (Node node : nodes.values()) {
            node.config = node.config.toBuilder().quiesce(true).build();
        }
        return this;
    }

    PaxosCluster start() {
        for (Node node : nodes.values()) {
            if (node.core == null) {
                restart(node.id);
            }
        }
        return this;
    }

    private ConsensusConfig config(String id, List<String> members) {
        List<Member> list = new ArrayList<>();
        for (String m : members) {
            list.add(Member.local(m));
        }
        return ConsensusConfig.builder().protocol("paxos").memberId(id).members(list)
                .storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE).bootstrap(true)
                .tick(Duration.ofMillis(1)).electionTimeout(Duration.ofMillis(electionTicks))
                .heartbeatInterval(Duration.ofMillis(heartbeatTicks)).leaseDriftBound(driftBound).quiesce(quiesce).build();
    }

    Membership bootstrapMembership() {
        TreeSet<Member> voters = new TreeSet<>();
        originalIds.forEach(id -> voters.add(Member.local(id)));
        return Membership.ofVoters(voters);
    }

    /** Adds a member with an empty disk that did not bootstrap (it joins through a membership change). */
    Node addFreshMember(String id) {
        Node node = new Node(id, false);
        List<String> all = new ArrayList<>(originalIds);
        all.add(id);
        node.config = config(id, all).toBuilder().bootstrap(false).build();
        nodes.put(id, node);
        restart(id);
        return node;
    }

    /** Wipes a stopped member's disk: it restarts empty and, not bootstrapping, as a fresh member. */
    void wipe(String id) {
        Node node = node(id);
        if (node.up) {
            throw new IllegalStateException(id + " is running");
        }
        node.storage = new MemoryNodeStorage();
        node.log = node.storage.open(identity(id));
        node.config = node.config.toBuilder().bootstrap(false).build();
    }

    Node node(String id) {
        return nodes.get(id);
    }

    PaxosCore core(String id) {
        return nodes.get(id).core;
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    void crash(String id) {
        Node node = node(id);
        node.up = false;
        node.unsynced.clear();
        node.storage = tear == null ? node.storage.crash() : node.storage.crash(tear);
        node.log = node.storage.open(identity(id));
    }

    /** Starts (or restarts) a member on what its storage holds, as the runtime does. */
    void restart(String id) {
        Node node = node(id);
        if (node.up) {
            crash(id);
        }
        node.unsynced.clear();
        node.autoSync = true;
        boolean empty = node.log.lastIndex() == 0 && node.log.metadata() == null && node.log.latestSnapshot().isEmpty();
        if (empty && node.config.bootstrap()) {
            // As the runtime does: a new group's membership is stored as a snapshot at slot 0.
            install(node, new SnapshotMeta(0, 0, 0, bootstrapMembership()));
        }
        boolean fresh = empty && !node.config.bootstrap();
        CoreContext context = new CoreContext(node.config, node.log, null, randomFor.apply(id), fresh);
        node.core = new PaxosCore(context, faults, leaseReads);
        SnapshotMeta snapshot = node.log.latestSnapshot().orElse(null);
        node.applied = snapshot != null ? snapshot.index() : 0;
        node.appliedMembership = snapshot != null ? snapshot.membership() : bootstrapMembership();
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
    long runSkippingQuiescent(int n) {
        long before = messagesSent;
        for (int i = 0; i < n; i++) {
            for (Node node : nodes.values()) {
                if (node.up && !node.core.quiescent()) {
                    tick(node.id);
                }
            }
            deliverAll();
        }
        return messagesSent - before;
    }

    /** Runs until the predicate holds; returns the ticks it took, or -1. */
    int runUntil(Predicate<PaxosCluster> done, int maxTicks) {
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
        if (!node.up) {
            return false;
        }
        boolean[] accepted = new boolean[1];
        step(node, () -> accepted[0] = node.core.propose(command.getBytes(StandardCharsets.UTF_8)));
        return accepted[0];
    }

    /** Makes a member start phase 1 now, as if its election timer fired and its probe succeeded. */
    void campaign(String id) {
        Node node = node(id);
        step(node, () -> node.core.campaign(Ballot.NONE, false));
    }

    long read(String id, ReadConsistency consistency) {
        long readId = nextRequestId++;
        readFloor.put(readId, maxLearnt);
        Node node = node(id);
        if (node.up) {
            step(node, () -> node.core.read(readId, consistency));
        }
        return readId;
    }

    long changeMembership(String id, MembershipChange change) {
        long requestId = nextRequestId++;
        Node node = node(id);
        step(node, () -> node.core.changeMembership(requestId, change));
        return requestId;
    }

    long transfer(String id, String target) {
        long requestId = nextRequestId++;
        Node node = node(id);
        step(node, () -> node.core.transferLeadership(requestId, target));
        return requestId;
    }

    /** One sync of a member's storage: what was written becomes durable, and what waited on it proceeds. */
    void sync(String id) {
        Node node = node(id);
        if (!node.up) {
            return;
        }
        List<Ready> done = new ArrayList<>(node.unsynced);
        node.unsynced.clear();
        step(node, () -> synced(node, done));
    }

    private void synced(Node node, List<Ready> done) {
        long index = node.log.lastIndex();
        LogEntry last = node.log.entry(index);
        long era = last != null ? last.era()
                : node.log.latestSnapshot().filter(s -> s.index() == index).map(SnapshotMeta::era).orElse(0L);
        node.storage.sync();
        for (Ready ready : done) {
            observeDurable(node, ready);
        }
        if (index > 0) {
            node.core.persisted(index, era);
        }
        for (Ready ready : done) {
            afterPersist(node, ready);
        }
    }

    /** Takes a snapshot at the member's applied slot and compacts, keeping {@code retain} slots. */
    void snapshot(String id, long retain) {
        Node node = node(id);
        long index = node.applied;
        if (!node.up || index == 0 || index <= node.log.latestSnapshot().map(SnapshotMeta::index).orElse(0L)) {
            return;
        }
        LogEntry at = node.log.entry(index);
        if (at == null) {
            return;
        }
        install(node, new SnapshotMeta(index, at.era(), index, node.appliedMembership));
        long upTo = index - retain;
        if (upTo >= node.log.firstIndex()) {
            node.log.compactUpTo(upTo);
        }
    }

    private static void install(Node node, SnapshotMeta meta) {
        try (SnapshotStore.Writer writer = node.log.snapshots().begin(meta)) {
            writer.output().write(new byte[] {1});
            writer.install();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    void deliverAll() {
        int guard = 0;
        while (!network.isEmpty() || (!snapshots.isEmpty() && !holdSnapshots)) {
            if (++guard > 1_000_000) {
                throw new AssertionError("messages never stop: " + network.subList(0, Math.min(10, network.size())));
            }
            if (!snapshots.isEmpty() && !holdSnapshots) {
                deliverSnapshot(snapshots.remove(0));
            } else {
                deliver(network.remove(0));
            }
        }
    }

    /** Delivers, in order, every message matching {@code filter} (also those they cause) and keeps the rest. */
    void deliverMatching(Predicate<Msg> filter) {
        int guard = 0;
        while (true) {
            int at = -1;
            for (int i = 0; i < network.size(); i++) {
                if (filter.test(network.get(i))) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                return;
            }
            if (++guard > 1_000_000) {
                throw new AssertionError("messages never stop");
            }
            deliver(network.remove(at));
        }
    }

    /** Takes every message matching {@code filter} out of the network (to deliver later, or never). */
    List<Msg> hold(Predicate<Msg> filter) {
        List<Msg> held = new ArrayList<>();
        network.removeIf(m -> {
            if (filter.test(m)) {
                held.add(m);
                return true;
            }
            return false;
        });
        return held;
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

    /** Installs a snapshot as the runtime does: restore, then keep the log after it only if its slot matches. */
    void deliverSnapshot(SnapshotSend send) {
        Node to = nodes.get(send.to());
        if (to == null || !to.up || !linked(send.from(), send.to())) {
            return;
        }
        sync(to.id);
        if (!to.up || send.meta().index() <= to.applied) {
            return;
        }
        install(to, send.meta());
        LogEntry at = to.log.entry(send.meta().index());
        if (at == null || at.era() != send.meta().era()) {
            if (to.log.lastIndex() > send.meta().index()) {
                logsEmptiedBySnapshot++;
            }
            to.log.truncateFrom(to.log.firstIndex());
        }
        to.log.compactUpTo(send.meta().index());
        snapshotInstalls++;
        to.applied = send.meta().index();
        to.appliedMembership = send.meta().membership();
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
            violation(node.id + " truncated its log from " + ready.truncateFrom() + ": Paxos never truncates");
        }
        if (!ready.entries().isEmpty()) {
            try {
                node.log.write(ready.entries());
            } catch (IllegalArgumentException e) {
                throw new AssertionError(node.id + " wrote " + ready.entries() + " committed " + ready.committed() + ": "
                        + e.getMessage() + " (" + node.core + ")", e);
            }
        }
        if (ready.metadata() != null) {
            node.log.writeMetadata(ready.metadata());
        }
        for (Outbound out : ready.messages()) {
            send(node.id, out);
        }
        if (ready.stateChange() != null && ready.stateChange().role() == Role.LEADER) {
            String before = leaderOfBallot.putIfAbsent(ready.stateChange().era(), node.id);
            leaderChanges++;
            if (before != null && !before.equals(node.id)) {
                violation("two leaders of ballot " + Ballot.describe(ready.stateChange().era()) + ": " + before + " and "
                        + node.id);
            }
        }
        boolean mustWait = ready.needsPersist() || !node.unsynced.isEmpty();
        if (mustWait && !node.autoSync) {
            node.unsynced.add(ready);
        } else {
            synced(node, List.of(ready));
        }
        SnapshotMeta snapshot = node.log.latestSnapshot().orElse(null);
        for (String to : ready.snapshotsTo()) {
            if (snapshot != null) {
                snapshots.add(new SnapshotSend(node.id, to, snapshot));
            }
        }
    }

    private void afterPersist(Node node, Ready ready) {
        for (Outbound out : ready.messagesAfterPersist()) {
            send(node.id, out);
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
                violation("read " + grant.readId() + " on " + node.id + " granted at " + grant.index() + " but " + floor
                        + " was learnt before it was issued");
            }
        }
        for (RequestOutcome outcome : ready.outcomes()) {
            outcomes.put(outcome.requestId(), outcome);
        }
    }

    /** Applies a chosen slot, as the runtime's applier does (skipping what it already applied). */
    private void apply(Node node, LogEntry entry) {
        if (entry.index() <= node.applied) {
            return;
        }
        if (entry.index() != node.applied + 1) {
            violation(node.id + " learnt slot " + entry.index() + " after " + node.applied + ": a gap");
        }
        node.applied = entry.index();
        if (entry.kind() == EntryKind.CONFIG) {
            node.appliedMembership = MembershipCodec.decode(entry.payload());
        }
        LogEntry known = learnt.putIfAbsent(entry.index(), entry);
        if (known == null && entry.kind() == EntryKind.NOOP) {
            noopsLearnt++;
        }
        if (known == null && entry.kind() == EntryKind.CONFIG) {
            learntConfigs.put(entry.index(), MembershipCodec.decode(entry.payload()));
        }
        if (known != null && !sameValue(known, entry)) {
            violation("slot " + entry.index() + " learnt as " + describe(known) + " and as " + describe(entry) + " on "
                    + node.id);
        }
        LogEntry observed = observedChosen.get(entry.index());
        if (observed != null && !sameValue(observed, entry)) {
            violation("slot " + entry.index() + " chosen as " + describe(observed) + " but " + node.id + " learnt "
                    + describe(entry));
        }
        maxLearnt = Math.max(maxLearnt, entry.index());
    }

    /**
     * Records the durable writes of a Ready: each entry is an acceptance of its value in its ballot by
     * this member. One ballot has one value per slot; a quorum of one ballot makes the value chosen.
     */
    private void observeDurable(Node node, Ready ready) {
        for (LogEntry entry : ready.entries()) {
            List<Long> key = List.of(entry.index(), entry.era());
            LogEntry value = valueOf.putIfAbsent(key, entry);
            if (value != null && !sameValue(value, entry)) {
                violation("slot " + entry.index() + " has two values in ballot " + Ballot.describe(entry.era()) + ": "
                        + describe(value) + " and " + describe(entry) + " (on " + node.id + ")");
            }
            Set<String> who = acceptors.computeIfAbsent(key, k -> new TreeSet<>());
            who.add(node.id);
            Membership config = configOf(entry.index());
            if (config != null && Quorum.isQuorum(config, who)) {
                LogEntry chosen = observedChosen.putIfAbsent(entry.index(), entry);
                if (chosen != null && !sameValue(chosen, entry)) {
                    violation("slot " + entry.index() + " chosen with two values: " + describe(chosen) + " and "
                            + describe(entry) + " (ballot " + Ballot.describe(entry.era()) + " " + who + ")");
                }
                LogEntry known = learnt.get(entry.index());
                if (known != null && !sameValue(known, entry)) {
                    violation("slot " + entry.index() + " learnt as " + describe(known) + " but chosen as "
                            + describe(entry));
                }
            }
        }
    }

    /**
     * The configuration of {@code slot} if every earlier slot is learnt somewhere (else unknown): the
     * bootstrap one, changed by every learnt configuration below the slot.
     */
    private Membership configOf(long slot) {
        if (slot > 1 && (learnt.isEmpty() || learnt.lastKey() < slot - 1 || learnt.firstKey() != 1)) {
            return null;
        }
        Map.Entry<Long, Membership> latest = learntConfigs.lowerEntry(slot);
        return latest != null ? latest.getValue() : bootstrapMembership();
    }

    /** Re-checks every recorded acceptance once more slots are learnt (their configurations become known). */
    void checkObservedChosen() {
        for (Map.Entry<List<Long>, Set<String>> e : acceptors.entrySet()) {
            long slot = e.getKey().get(0);
            Membership config = configOf(slot);
            if (config != null && Quorum.isQuorum(config, e.getValue())) {
                LogEntry value = valueOf.get(e.getKey());
                LogEntry chosen = observedChosen.putIfAbsent(slot, value);
                if (chosen != null && !sameValue(chosen, value)) {
                    violation("slot " + slot + " chosen with two values: " + describe(chosen) + " and " + describe(value));
                }
                LogEntry known = learnt.get(slot);
                if (known != null && !sameValue(known, value)) {
                    violation("slot " + slot + " learnt as " + describe(known) + " but chosen as " + describe(value));
                }
            }
        }
    }

    static boolean sameValue(LogEntry a, LogEntry b) {
        return a.kind() == b.kind() && Arrays.equals(a.payload(), b.payload());
    }

    static String describe(LogEntry entry) {
        String value = entry.kind() == EntryKind.COMMANDS ? new String(entry.payload(), StandardCharsets.UTF_8)
                : entry.kind().toString();
        return value + "@" + entry.index() + "/" + Ballot.describe(entry.era());
    }

    private void send(String from, Outbound out) {
        PaxosMessage decoded = (PaxosMessage) PaxosCodec.INSTANCE.decode(PaxosCodec.INSTANCE.encode(out.message()));
        Msg msg = new Msg(from, out.to(), decoded);
        messagesSent++;
        sent.accept(msg);
        network.add(msg);
    }

    void violation(String what) {
        violations.add(what + " (seed " + seed + ", step " + steps + ")");
        if (strict) {
            throw new AssertionError(violations.get(violations.size() - 1) + "\n" + this);
        }
    }

    // ---- queries --------------------------------------------------------------------------------

    /** The up member that leads with the highest ballot, or null. */
    String leader() {
        String best = null;
        long bestBallot = -1;
        for (Node node : nodes.values()) {
            if (node.isLeader() && node.core.leader.ballot > bestBallot) {
                best = node.id;
                bestBallot = node.core.leader.ballot;
            }
        }
        return best;
    }

    /** Runs until some member leads and is established (its recovered slots are chosen). */
    String awaitLeader(int maxTicks) {
        int took = runUntil(c -> {
            String l = c.leader();
            return l != null && c.core(l).leader.reads.established();
        }, maxTicks);
        if (took < 0) {
            throw new AssertionError("no leader within " + maxTicks + " ticks:\n" + this);
        }
        return leader();
    }

    /** The slots of a member's log as value@slot/ballot. */
    static List<String> slots(Node node) {
        List<String> slots = new ArrayList<>();
        for (LogEntry entry : node.log.entries(1, node.log.lastIndex() + 1, Long.MAX_VALUE)) {
            slots.add(describe(entry));
        }
        return slots;
    }

    /** The value a member's log holds at a slot, or null. */
    String valueAt(String id, long slot) {
        LogEntry entry = node(id).log.entry(slot);
        return entry == null ? null : describe(entry).substring(0, describe(entry).indexOf('@'));
    }

    /** The learnt values in slot order (NOOP for no-ops). */
    List<String> learntValues() {
        List<String> values = new ArrayList<>();
        learnt.values().forEach(e -> values.add(describe(e).substring(0, describe(e).indexOf('@'))));
        return values;
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
        nodes.values().forEach(n -> text.append("  ").append(n).append('\n'));
        return text.toString();
    }
}
