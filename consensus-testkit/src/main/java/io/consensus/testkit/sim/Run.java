package io.consensus.testkit.sim;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.GroupStatus;
import io.consensus.api.LeadershipListener;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.Role;
import io.consensus.api.StateMachine;
import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.api.spi.Envelope;
import io.consensus.api.spi.MessageCodec;
import io.consensus.core.Protocols;
import io.consensus.testkit.KvStateMachine;
import io.consensus.testkit.linearizability.CheckResult;
import io.consensus.testkit.linearizability.LinearizabilityChecker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * One run of a {@link Simulation} for one seed: sets the cluster up, drives the workload and the
 * faults, heals, checks liveness, agreement and linearizability, and reports a failure with the
 * seed and the trace around it.
 */
final class Run implements SimMember.Hooks, SimMember.Timing {

    private static final long MAX_EVENTS = 200_000_000L;
    private static final int TRACE_CAPACITY = 1 << 15;
    /** The protocol name configured when a protocol instance runs (not looked up: the instance is passed in). */
    private static final String INSTANCE_PROTOCOL_NAME = "simulated";

    private final Simulation.Settings settings;
    private final long seed;
    private final SplittableRandom random;
    private final Scheduler scheduler = new Scheduler();
    private final Coverage coverage = new Coverage();
    private final Trace trace;
    private final SimNetwork network;
    private final List<SimMember> members = new ArrayList<>();
    private final Clients clients;
    private final FaultInjector faults;
    private final Operator operator;
    private final MessageCodec codec;
    private final boolean keyValue;
    private final long clientTimeoutMicros;
    private final long electionTimeoutMicros;

    // Safety bookkeeping: the first command applied at each index, and each key's value history.
    private byte[][] canonicalCommands = new byte[1024][];
    private long[] canonicalHashes = new long[1024];
    private String[] canonicalAppliers = new String[1024];
    private final Map<String, TreeMap<Long, String>> keyHistory = new HashMap<>();
    private final Map<Long, String> leaderOfEra = new HashMap<>();
    private long livenessIndex = -1;
    private boolean stopped;
    private long checkNanos;
    private String failureReason;
    private String failureDetails;
    private Throwable failureCause;

    Run(Simulation.Settings settings, long seed) {
        this.settings = settings;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        ConsensusProtocol protocol = settings.protocolInstance() != null ? settings.protocolInstance()
                : Protocols.find(settings.protocolName());
        this.codec = protocol.codec();
        this.trace = new Trace(TRACE_CAPACITY, this::describe);
        this.keyValue = settings.commands() == null;
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= settings.members(); i++) {
            ids.add("n" + i);
        }
        this.network = new SimNetwork(scheduler, random, trace, coverage, ids, settings.network());
        List<Member> founders = ids.stream().map(Member::local).toList();
        for (int i = 0; i < ids.size(); i++) {
            members.add(new SimMember(i, config(ids.get(i), founders, true), settings.protocolInstance(), scheduler,
                    network, random, coverage, this, this));
        }
        ConsensusConfig first = members.get(0).config();
        this.electionTimeoutMicros = first.electionTimeout().toMillis() * 1000;
        this.clientTimeoutMicros = first.requestTimeout().toMillis() * 1000 + 200_000;
        this.clients = new Clients(this, scheduler, random, coverage, settings.clients(), settings.operations(),
                settings.commands(), clientTimeoutMicros);
        this.faults = new FaultInjector(this, settings.faults(), scheduler, random, network, members, coverage);
        this.operator = new Operator(this, settings.reconfiguration(), scheduler, random, coverage, settings.members(),
                clientTimeoutMicros);
    }

    /** A member's configuration: a founding member bootstraps, a later one joins with an empty disk. */
    private ConsensusConfig config(String id, List<Member> members, boolean bootstrap) {
        String protocol = settings.protocolInstance() != null ? INSTANCE_PROTOCOL_NAME : settings.protocolName();
        ConsensusConfig.Builder builder = ConsensusConfig.builder()
                .protocol(protocol)
                .clusterId("sim")
                .groupId("sim")
                .memberId(id)
                .members(members)
                .storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE)
                .bootstrap(bootstrap)
                .tick(Duration.ofMillis(10))
                .heartbeatInterval(Duration.ofMillis(50))
                .electionTimeout(Duration.ofMillis(500))
                .requestTimeout(Duration.ofSeconds(1))
                .snapshotThresholdEntries(100)
                .snapshotRetainEntries(10);
        return settings.configure().apply(builder).build();
    }

    SimResult execute() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuTime = threads.isCurrentThreadCpuTimeSupported();
        long cpuStart = cpuTime ? threads.getCurrentThreadCpuTime() : System.nanoTime();
        simulate();
        long cpu = (cpuTime ? threads.getCurrentThreadCpuTime() : System.nanoTime()) - cpuStart;
        coverage.runs = 1;
        coverage.events = scheduler.executed();
        coverage.virtualMillis = scheduler.nowMicros() / 1000;
        if (Boolean.getBoolean("sim.timing")) {
            System.out.printf("seed %d: %.1f ms CPU, of which %.1f ms checking linearizability%n", seed, cpu / 1e6,
                    checkNanos / 1e6);
        }
        return new SimResult(seed, trace.hash(), coverage, clients.history().size(), scheduler.nowMicros() / 1000,
                scheduler.executed(), cpu);
    }

    private void simulate() {
        for (SimMember member : members) {
            member.start();
        }
        clients.start();
        faults.start();
        operator.start();
        long workloadEnd = settings.maxWorkloadMillis() * 1000;
        if (!runUntil(clients::done, workloadEnd)) {
            note("end", "workload deadline reached with operations still to run");
            clients.stopIssuing();
        }
        healEverything();

        long healedAt = scheduler.nowMicros();
        clients.startLiveness("live", "live-" + seed);
        long livenessDeadline = healedAt + settings.livenessBoundMillis() * 1000;
        if (!runUntil(() -> clients.liveness().finished, livenessDeadline)) {
            throw failure("no progress: after every fault was healed at " + millis(healedAt) + ", a write did not "
                    + "complete within " + settings.livenessBoundMillis() + " ms", statusReport(), null, null);
        }
        for (SimMember member : members) {
            GroupStatus status = member.status();
            if (status != null) {
                livenessIndex = Math.max(livenessIndex, status.appliedIndex()); // at least the write's index
            }
        }
        long settleDeadline = scheduler.nowMicros() + clientTimeoutMicros * (Clients.MAX_WRITE_ATTEMPTS + 2);
        if (!runUntil(() -> clients.done() && operator.idle() && converged(), settleDeadline)) {
            throw failure("members did not converge: after healing and a completed write, not every member of the "
                    + "configuration applied the same commands (or clients or the operator did not finish)",
                    statusReport(), null, null);
        }
        if (settings.checkQuiescence()) {
            checkQuiescence();
        }
        stopped = true;
        operator.checkFinal(finalMembership());
        compareStates();
        if (keyValue) {
            long checkStart = System.nanoTime();
            CheckResult result = LinearizabilityChecker.check(clients.history());
            checkNanos = System.nanoTime() - checkStart;
            if (result instanceof CheckResult.Violation violation) {
                throw failure("the history is not linearizable", violation.describe(), violation.key(), null,
                        firstUnordered(violation));
            }
        }
    }

    /**
     * The settled group, left idle, must go quiescent and then stay silent (node liveness messages
     * aside); its leader, crashed in its sleep, must be replaced and a write must complete.
     */
    private void checkQuiescence() {
        long asleepBy = scheduler.nowMicros() + electionTimeoutMicros * 6;
        if (!runUntil(this::allQuiescent, asleepBy)) {
            throw failure("an idle group did not go quiescent within 6 election timeouts", statusReport(), null, null);
        }
        long sent = network.groupMessagesSent();
        runUntil(() -> false, scheduler.nowMicros() + electionTimeoutMicros * 2);
        if (network.groupMessagesSent() != sent) {
            throw failure("a quiescent group sent " + (network.groupMessagesSent() - sent) + " messages in two election "
                    + "timeouts", statusReport(), null, null);
        }
        if (finalMembership().voters().size() < 3) {
            return; // without its leader the group would have no quorum: nothing to check
        }
        if (operator.votersMayStillChange(finalMembership())) {
            // Paxos seed 3948 (applyInline suite): "remove n1" timed out with the entry in n1's log
            // alone; after the leader's crash the next leader must choose it, and the voters left
            // ({n2, n3} with n3 down) have no quorum. Raft stalls there too: without the leader, the
            // group's progress would depend on the members the change keeps, not on the group's size.
            return;
        }
        SimMember sleeper = leader();
        coverage.quiescentLeaderCrashes++;
        crash(sleeper, false);
        long crashedAt = scheduler.nowMicros();
        clients.startLiveness("after-quiet", "after-quiet-" + seed);
        if (!runUntil(() -> clients.liveness().finished, crashedAt + settings.livenessBoundMillis() * 1000)) {
            throw failure("no progress: the leader " + sleeper.id + " crashed while the group was quiescent at "
                    + millis(crashedAt) + ", and a write did not complete within " + settings.livenessBoundMillis()
                    + " ms", statusReport(), null, null);
        }
        restart(sleeper);
        for (SimMember member : members) {
            GroupStatus status = member.status();
            if (status != null) {
                livenessIndex = Math.max(livenessIndex, status.appliedIndex());
            }
        }
        if (!runUntil(this::converged, scheduler.nowMicros() + clientTimeoutMicros * (Clients.MAX_WRITE_ATTEMPTS + 2))) {
            throw failure("members did not converge after the quiescent leader's crash and restart", statusReport(),
                    null, null);
        }
    }

    /**
     * Whether every member of the final configuration sleeps and every other member is stopped. A
     * removed member that has not learnt its removal campaigns once its election timeout passes and
     * wakes the group (seed 3073 of the Raft suite with {@code applyInline}): stopping it is the
     * operator's part, which the simulated one does within 1.3 s, so the silent window starts after.
     */
    private boolean allQuiescent() {
        if (leader() == null) {
            return false;
        }
        List<SimMember> counted = finalMembers();
        for (SimMember member : members) {
            if (!counted.contains(member)) {
                if (member.up()) {
                    return false;
                }
                continue;
            }
            GroupStatus status = member.status();
            if (status == null || !status.quiescent()) {
                return false;
            }
        }
        return true;
    }

    private void healEverything() {
        faults.stop();
        operator.stopIssuing();
        network.heal();
        network.model(settings.network().healed());
        for (SimMember member : members) {
            member.resume();
            if (!member.up() && !member.retired()) {
                restart(member);
            }
        }
        note("heal", "every fault healed");
    }

    /**
     * Whether every member of the leader's configuration runs and applied the same commands, at least
     * up to the liveness write. Members that left the group need not follow.
     */
    private boolean converged() {
        if (livenessIndex < 0 || leader() == null) {
            return false;
        }
        long applied = -1;
        for (SimMember member : finalMembers()) {
            GroupStatus status = member.status();
            if (status == null || status.appliedIndex() < livenessIndex) {
                return false;
            }
            if (applied >= 0 && status.appliedIndex() != applied) {
                return false;
            }
            applied = status.appliedIndex();
        }
        return true;
    }

    /** The configuration the leader in the highest era holds (call only once one leads). */
    private Membership finalMembership() {
        return leader().status().membership();
    }

    /** The simulated members the final configuration counts (all of them without reconfiguration). */
    private List<SimMember> finalMembers() {
        Membership membership = finalMembership();
        List<SimMember> counted = new ArrayList<>();
        for (SimMember member : members) {
            if (membership.member(member.id).isPresent()) {
                counted.add(member);
            }
        }
        return counted;
    }

    private void compareStates() {
        byte[] first = null;
        List<SimMember> counted = finalMembers();
        for (SimMember member : counted) {
            byte[] state = stateBytes(member);
            if (first != null && !Arrays.equals(first, state)) {
                StringBuilder details = new StringBuilder();
                for (SimMember m : counted) {
                    details.append(m.id).append(": ").append(stateText(m)).append('\n');
                }
                throw failure("replicas diverged: members applied the same number of commands but hold different "
                        + "states", details.toString(), null, null);
            }
            first = state;
        }
    }

    private byte[] stateBytes(SimMember member) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ((ObservedStateMachine) member.stateMachine()).delegate().snapshot(out);
        } catch (IOException e) {
            throw failure("the state machine of " + member.id + " could not be snapshotted", null, null, e);
        }
        return out.toByteArray();
    }

    private String stateText(SimMember member) {
        StateMachine sm = ((ObservedStateMachine) member.stateMachine()).delegate();
        if (sm instanceof KvStateMachine kv) {
            return kv.contents().toString();
        }
        return "snapshot of " + stateBytes(member).length + " bytes, hash " + Arrays.hashCode(stateBytes(member));
    }

    /** Runs events until {@code done} holds (checked once per distinct virtual time) or the deadline. */
    private boolean runUntil(BooleanSupplier done, long deadlineMicros) {
        long lastChecked = -1;
        while (true) {
            throwIfFailed();
            long now = scheduler.nowMicros();
            if (now != lastChecked) {
                lastChecked = now;
                if (done.getAsBoolean()) {
                    return true;
                }
            }
            boolean ran;
            try {
                ran = scheduler.runNext(deadlineMicros);
            } catch (SimulationFailure e) {
                throw e;
            } catch (RuntimeException | Error e) {
                Object owner = scheduler.currentOwner();
                throw failure("an event threw " + e + (owner == null ? "" : " (on a member)"), null, null, e);
            }
            if (!ran) {
                throwIfFailed();
                return done.getAsBoolean();
            }
            if (scheduler.executed() > MAX_EVENTS) {
                throw failure("more than " + MAX_EVENTS + " events: the run does not end", null, null, null);
            }
        }
    }

    // ---- hooks from members, clients and faults ---------------------------------------------------

    @Override
    public StateMachine newStateMachine(SimMember member) {
        return new ObservedStateMachine(settings.stateMachine().get(), new ObservedStateMachine.Observer() {
            @Override
            public void applied(long index, byte[] command, byte[] result) {
                Run.this.applied(member, index, command, result);
            }

            @Override
            public void wentBack(long lastApplied, long index) {
                fail("a member's applied state went back: " + member.id + " had applied command " + lastApplied
                        + ", then restored a snapshot and applied command " + index + " again", null);
            }
        });
    }

    @Override
    public void leadership(SimMember member, LeadershipListener.Change change) {
        note(member.id, "role", change.role() + " leader=" + change.leaderId() + " era=" + change.era());
        if (change.role() != Role.LEADER) {
            return;
        }
        coverage.leaderChanges++;
        String previous = leaderOfEra.putIfAbsent(change.era(), member.id);
        if (settings.oneLeaderPerEra() && previous != null && !previous.equals(member.id)) {
            fail("two leaders in one era: " + previous + " and " + member.id + " both led era " + change.era(), null);
        }
    }

    @Override
    public void note(SimMember member, String kind, String text) {
        note(member.id, kind, text);
    }

    private void applied(SimMember member, long index, byte[] command, byte[] result) {
        trace.applied(scheduler.nowMicros(), member.id, index, command, c -> describeCommand(c, null));
        if (index >= canonicalHashes.length) {
            int size = (int) Math.max(index + 1, canonicalHashes.length * 2L);
            canonicalHashes = Arrays.copyOf(canonicalHashes, size);
            canonicalCommands = Arrays.copyOf(canonicalCommands, size);
            canonicalAppliers = Arrays.copyOf(canonicalAppliers, size);
        }
        int i = (int) index;
        long hash = (Arrays.hashCode(command) * 1_000_003L + (result == null ? 7 : Arrays.hashCode(result))) | 1;
        if (canonicalHashes[i] == 0) {
            canonicalHashes[i] = hash;
            canonicalCommands[i] = command;
            canonicalAppliers[i] = member.id;
            if (keyValue) {
                recordEffect(index, command, result);
            }
        } else if (canonicalHashes[i] != hash) {
            fail("replicas diverged: " + member.id + " applied " + describeCommand(command, result) + " as command "
                    + index + ", but " + canonicalAppliers[i] + " applied " + describeCommand(canonicalCommands[i], null)
                    + " there", null);
        }
    }

    private void recordEffect(long index, byte[] command, byte[] result) {
        KvStateMachine.Command c = KvStateMachine.decode(command);
        boolean wrote = c.isPut() || (c.isCas() && result != null && "true".equals(KvStateMachine.text(result)));
        if (wrote) {
            keyHistory.computeIfAbsent(c.key(), k -> new TreeMap<>()).put(index, c.value());
        }
    }

    private String describeCommand(byte[] command, byte[] result) {
        if (!keyValue) {
            return command.length + " bytes (hash " + Arrays.hashCode(command) + ")";
        }
        KvStateMachine.Command c = KvStateMachine.decode(command);
        String text = (c.isPut() ? "PUT " : "CAS " + c.expect() + "->") + c.key() + "=" + c.value();
        return result == null ? text : text + " => " + KvStateMachine.text(result);
    }

    /** A STALE read served by {@code incarnation} of {@code member} returned {@code value} for {@code key}. */
    void checkStaleRead(SimMember member, SimMember.Incarnation incarnation, String key, String value) {
        long applied = incarnation.group.status().appliedIndex();
        if (applied < incarnation.staleReadApplied) {
            fail("a member's applied state went back: STALE reads on " + member.id + " saw applied index "
                    + incarnation.staleReadApplied + " and then " + applied, null);
            return;
        }
        incarnation.staleReadApplied = applied;
        TreeMap<Long, String> writes = keyHistory.get(key);
        Map.Entry<Long, String> last = writes == null ? null : writes.floorEntry(applied);
        String expected = last == null ? null : last.getValue();
        if (!Objects.equals(expected, value)) {
            fail("STALE read on " + member.id + " returned " + value + " for key " + key + ", but after the first "
                    + applied + " applied commands it holds " + expected, null);
        }
    }

    void crash(SimMember member, boolean tear) {
        coverage.crashes++;
        if (tear) {
            coverage.tornCrashes++;
        }
        note(member.id, "fault", "crash" + (tear ? " (torn unsynced tail)" : ""));
        member.crash(tear);
        clients.memberCrashed(member.index);
    }

    void restart(SimMember member) {
        note(member.id, "heal", "restart");
        member.start();
    }

    /** Starts a new member with an empty disk that will join a group of {@code current}. */
    SimMember addMember(Membership current) {
        String id = "n" + (members.size() + 1);
        List<Member> known = new ArrayList<>(current.all());
        known.add(Member.local(id));
        SimMember member = new SimMember(network.add(id), config(id, known, false), settings.protocolInstance(),
                scheduler, network, random, coverage, this, this);
        members.add(member);
        note(id, "admin", "new member starts with an empty disk");
        member.start();
        return member;
    }

    /** Stops a member that left the group; its disk is kept. */
    void retire(SimMember member) {
        note(member.id, "admin", "stopped: not in the configuration");
        boolean wasUp = member.up();
        member.retire();
        if (wasUp) {
            clients.memberCrashed(member.index);
        }
    }

    /** Restarts a retired member from its disk: the configuration counts it. */
    void unretire(SimMember member) {
        note(member.id, "admin", "restarted: in the configuration after all");
        member.unretire();
    }

    /** A random member that has not left the group (it may be down). */
    SimMember pickActive(SplittableRandom r) {
        List<SimMember> active = active();
        return active.get(r.nextInt(active.size()));
    }

    /** The members that have not left the group (up or down), in order of index. */
    List<SimMember> active() {
        List<SimMember> active = new ArrayList<>(members.size());
        for (SimMember member : members) {
            if (!member.retired()) {
                active.add(member);
            }
        }
        return active;
    }

    /** Every simulated member, retired ones included, in order of index. */
    List<SimMember> members() {
        return members;
    }

    /** The simulated member with this id, or null. */
    SimMember member(String id) {
        for (SimMember member : members) {
            if (member.id.equals(id)) {
                return member;
            }
        }
        return null;
    }

    /** The member leading in the highest era, or null. */
    SimMember leader() {
        SimMember leader = null;
        long era = -1;
        for (SimMember member : members) {
            GroupStatus status = member.status();
            if (status != null && status.isLeader() && status.era() > era) {
                leader = member;
                era = status.era();
            }
        }
        return leader;
    }

    /** The running member that applied the most commands, or null if none runs. */
    SimMember mostAdvanced() {
        SimMember best = null;
        long applied = -1;
        for (SimMember member : members) {
            GroupStatus status = member.status();
            if (status != null && status.appliedIndex() > applied) {
                best = member;
                applied = status.appliedIndex();
            }
        }
        return best;
    }

    SimMember member(int index) {
        return members.get(index);
    }

    long fsyncMaxMicros() {
        return settings.fsyncMaxMicros();
    }

    long electionTimeoutMicros() {
        return electionTimeoutMicros;
    }

    NetworkModel networkModel() {
        return settings.network();
    }

    boolean stopped() {
        return stopped;
    }

    void note(String kind, String detail) {
        note((String) null, kind, detail);
    }

    void note(String member, String kind, String detail) {
        trace.event(scheduler.nowMicros(), member, kind, detail);
    }

    /** Faults, heals, role changes and the operator's requests since {@code fromMicros}, one per line. */
    String eventsSince(long fromMicros) {
        return String.join("\n", trace.lines(fromMicros, scheduler.nowMicros(), 80, true));
    }

    /** Records a violation found inside an event; the run stops with it after the event. */
    void fail(String reason, String details) {
        if (failureReason == null) {
            failureReason = reason + " (at " + millis(scheduler.nowMicros()) + ")";
            failureDetails = details;
        }
    }

    private void throwIfFailed() {
        if (failureReason != null) {
            throw failure(failureReason, failureDetails, null, failureCause);
        }
    }

    // ---- the report --------------------------------------------------------------------------------

    /** When the earliest operation the checker could not order completed (about virtual micros). */
    private static long firstUnordered(CheckResult.Violation violation) {
        List<io.consensus.testkit.linearizability.Operation> rest = new ArrayList<>(violation.subHistory());
        for (io.consensus.testkit.linearizability.Operation op : violation.longestLinearization()) {
            rest.remove(op);
        }
        long first = Long.MAX_VALUE;
        for (io.consensus.testkit.linearizability.Operation op : rest) {
            if (!op.unknown()) {
                first = Math.min(first, op.complete());
            }
        }
        return first;
    }

    private SimulationFailure failure(String reason, String details, String key, Throwable cause) {
        return failure(reason, details, key, cause, Long.MAX_VALUE);
    }

    private SimulationFailure failure(String reason, String details, String key, Throwable cause, long focusMicros) {
        StringBuilder text = new StringBuilder();
        text.append("SIMULATION FAILED, seed ").append(seed).append(": ").append(reason).append('\n')
                .append("  replay: -Dsim.seed=").append(seed).append("  (protocol ")
                .append(settings.protocolInstance() != null ? settings.protocolInstance().name() : settings.protocolName())
                .append(", ").append(settings.members()).append(" members")
                .append(members.size() > settings.members() ? " (" + (members.size() - settings.members())
                        + " more added by the operator)" : "").append(", ").append(settings.operations())
                .append(" operations; virtual time ").append(millis(scheduler.nowMicros())).append(", ")
                .append(scheduler.executed()).append(" events)\n");
        if (details != null) {
            text.append(details.stripTrailing()).append('\n');
        }
        long from = 0;
        long to = scheduler.nowMicros();
        if (key != null) {
            text.append("\nOperations on key ").append(key).append(" (by invoke time; attempts as member@virtual time):\n");
            from = Long.MAX_VALUE;
            to = 0;
            List<Clients.Op> ops = new ArrayList<>(clients.finishedOps());
            ops.sort(java.util.Comparator.comparingLong(op -> op.invokeMicros));
            for (Clients.Op op : ops) {
                if (key.equals(op.key)) {
                    text.append("  ").append(millis(op.invokeMicros)).append(" .. ").append(millis(op.completeMicros))
                            .append("  ").append(op).append('\n');
                    from = Math.min(from, op.invokeMicros);
                    to = Math.max(to, op.completeMicros);
                }
            }
            long eventsTo = Math.min(to, focusMicros == Long.MAX_VALUE ? to : focusMicros + 200_000);
            long eventsFrom = Math.max(from, eventsTo - 5_000_000);
            List<String> events = trace.lines(eventsFrom, eventsTo, 60, true);
            text.append("\nFaults and role changes from ").append(millis(eventsFrom)).append(" to ")
                    .append(millis(eventsTo)).append(":\n");
            events.forEach(line -> text.append("  ").append(line).append('\n'));
        }
        long focus = Math.min(to, focusMicros);
        List<String> lines = trace.lines(Math.max(from, focus - 500_000), focus, 120);
        text.append("\nTrace up to ").append(millis(focus)).append(focusMicros < Long.MAX_VALUE
                ? ", where the first operation that cannot be ordered completed" : "").append(" (last ")
                .append(lines.size()).append(" entries; replay with -Dsim.trace=events or =all for the whole run):\n");
        for (String line : lines) {
            text.append("  ").append(line).append('\n');
        }
        text.append("\nMembers now:\n").append(statusReport());
        return new SimulationFailure(seed, text.toString(), cause);
    }

    private String statusReport() {
        StringBuilder text = new StringBuilder();
        for (SimMember member : members) {
            GroupStatus status = member.status();
            text.append("  ").append(member.id).append(": ");
            if (status == null) {
                text.append(member.retired() ? "stopped (left the group)\n" : "down\n");
            } else {
                text.append(status.role()).append(" leader=").append(status.leaderId()).append(" era=")
                        .append(status.era()).append(" commit=").append(status.commitIndex()).append(" applied=")
                        .append(status.appliedIndex()).append(member.paused() ? " (paused)" : "")
                        .append(settings.reconfiguration().enabled() ? "; " + Operator.describe(status.membership()) : "")
                        .append('\n');
            }
        }
        return text.toString();
    }

    private String describe(Envelope envelope) {
        byte[] payload = envelope.payload();
        if (payload.length == 0) {
            return "empty";
        }
        return switch (payload[0]) {
            case 0 -> {
                try {
                    yield String.valueOf(codec.decode(Arrays.copyOfRange(payload, 1, payload.length)));
                } catch (RuntimeException e) {
                    yield "undecodable protocol message: " + e.getMessage();
                }
            }
            case 1 -> "forwarded commands (" + payload.length + " bytes)";
            case 2 -> "forwarded read";
            case 3 -> "read reply";
            case 4 -> "snapshot chunk";
            case 5 -> "snapshot ack";
            default -> "runtime message " + payload[0];
        };
    }

    private static String millis(long micros) {
        return String.format("%.3f ms", micros / 1000.0);
    }

    // ---- timing of members' threads and clocks ------------------------------------------------------

    @Override
    public long loopDelayMicros(SplittableRandom r) {
        return r.nextInt(20);
    }

    @Override
    public long applyDelayMicros(SplittableRandom r) {
        return r.nextInt(100) == 0 ? r.nextLong(5_000) : r.nextInt(100);
    }

    @Override
    public long fsyncMicros(SplittableRandom r) {
        long max = settings.fsyncMaxMicros();
        return r.nextInt(50) == 0 ? r.nextLong(max * 10) + 1 : max / 20 + r.nextLong(Math.max(1, max - max / 20));
    }

    @Override
    public SimClock newClock(SplittableRandom r, long nowMicros) {
        // Rates in [1/sqrt(1+d), sqrt(1+d)]: any two differ by a factor of at most 1+d.
        double d = settings.clockDriftBound();
        double rate = Math.pow(1 + d, r.nextDouble() - 0.5);
        long offset = settings.clockOffsetMaxMillis() > 0 ? r.nextLong(settings.clockOffsetMaxMillis() + 1) : 0;
        return new SimClock(offset, rate, nowMicros);
    }
}
