package io.consensus.testkit.sim;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.GroupStatus;
import io.consensus.api.LeadershipListener;
import io.consensus.api.StateMachine;
import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.core.Consensus;
import io.consensus.core.runtime.NodeEnvironment;
import io.consensus.core.runtime.NodeRuntime;
import io.consensus.storage.memory.MemoryNodeStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * One simulated member: a disk that outlives crashes ({@link MemoryNodeStorage}, which keeps only
 * synced writes, or a torn prefix of the unsynced ones) and a sequence of incarnations, each a fresh
 * {@link NodeRuntime} of the real runtime on virtual lanes and a drifting clock. A crash kills the
 * incarnation (its queued events are discarded) and a restart recovers from durable state only. A
 * pause holds the incarnation's events and releases them, late, on resume. A member the operator
 * removed from the group is <em>retired</em>: stopped, its disk kept in case the group still counts
 * it (a change whose outcome was unknown), and never restarted by a fault's heal.
 */
final class SimMember {

    /** What the run supplies and observes per incarnation. */
    interface Hooks {
        /** A fresh state machine for a new incarnation. */
        StateMachine newStateMachine(SimMember member);

        /** A role or leader change, on the member's loop. */
        void leadership(SimMember member, LeadershipListener.Change change);

        /** Something worth a line in the trace. */
        void note(SimMember member, String kind, String text);
    }

    /** One life of the member, from start to crash. */
    final class Incarnation implements Scheduler.Owner {
        final int number;
        final SimClock clock;
        final Lane loop;
        boolean alive = true;
        long staleReadApplied;
        NodeRuntime node;
        ObservedStorage storage;
        ConsensusGroup group;
        StateMachine stateMachine;

        Incarnation(int number, SimClock clock) {
            this.number = number;
            this.clock = clock;
            this.loop = new Lane(scheduler, this, id + "/loop", () -> timing.loopDelayMicros(random));
        }

        @Override
        public boolean alive() {
            return alive;
        }

        @Override
        public boolean hold(Scheduler.Event event) {
            if (!paused) {
                return false;
            }
            held.add(event);
            return true;
        }
    }

    /** Latencies of the member's threads, drawn per task. */
    interface Timing {
        long loopDelayMicros(SplittableRandom random);

        long applyDelayMicros(SplittableRandom random);

        long fsyncMicros(SplittableRandom random);

        SimClock newClock(SplittableRandom random, long nowMicros);
    }

    final int index;
    final String id;
    private final ConsensusConfig config;
    private final ConsensusProtocol protocol;
    private final Scheduler scheduler;
    private final SimNetwork network;
    private final SplittableRandom random;
    private final Coverage coverage;
    private final Timing timing;
    private final Hooks hooks;
    private final List<Scheduler.Event> held = new ArrayList<>();
    private MemoryNodeStorage disk = new MemoryNodeStorage();
    private Incarnation current;
    private int incarnations;
    private boolean paused;
    private boolean retired;

    /** @param protocol the protocol instance to run, or null for the one the configuration names */
    SimMember(int index, ConsensusConfig config, ConsensusProtocol protocol, Scheduler scheduler, SimNetwork network,
              SplittableRandom random, Coverage coverage, Timing timing, Hooks hooks) {
        this.index = index;
        this.id = config.memberId();
        this.config = config;
        this.protocol = protocol;
        this.scheduler = scheduler;
        this.network = network;
        this.random = random;
        this.coverage = coverage;
        this.timing = timing;
        this.hooks = hooks;
    }

    /** Starts a new incarnation from what the disk holds. */
    void start() {
        if (current != null) {
            throw new IllegalStateException(id + " is already running");
        }
        Incarnation inc = new Incarnation(++incarnations, timing.newClock(random, scheduler.nowMicros()));
        current = inc;
        Lane sync = new Lane(scheduler, inc, id + "/sync", () -> timing.fsyncMicros(random));
        NodeEnvironment environment = new NodeEnvironment(new SimLoop(scheduler, inc, inc.clock, inc.loop), sync,
                () -> new Lane(scheduler, inc, id + "/apply", () -> timing.applyDelayMicros(random)),
                new SplittableRandom(random.nextLong()), () -> { });
        ObservedStorage storage = new ObservedStorage(disk, coverage, () -> scheduler.currentLane() == inc.loop,
                () -> inc.group.status().appliedIndex());
        storage.onNote(text -> hooks.note(this, "snapshot", text));
        inc.storage = storage;
        inc.node = Consensus.node(config).storage(storage).transport(network.transport(index))
                .environment(environment).build();
        inc.stateMachine = hooks.newStateMachine(this);
        inc.group = protocol != null ? inc.node.openGroup(config, inc.stateMachine, protocol)
                : inc.node.openGroup(config, inc.stateMachine);
        inc.group.addLeadershipListener(change -> {
            if (inc.alive) {
                hooks.leadership(this, change);
            }
        });
    }

    /**
     * Kills the running incarnation: its queued events are discarded, it receives nothing more, and
     * its disk keeps only what was synced (with {@code tear}, also a random prefix of the rest).
     */
    void crash(boolean tear) {
        if (current == null) {
            return;
        }
        current.alive = false;
        current = null;
        network.detach(index, null);
        held.clear();
        paused = false;
        disk = disk.crash(tear ? new Random(random.nextLong()) : null);
    }

    /** Stops the member for good, as its operator does once it left the group (see the class comment). */
    void retire() {
        crash(false);
        retired = true;
    }

    /** Restarts a retired member from its disk: the group counts it after all. */
    void unretire() {
        retired = false;
        start();
    }

    boolean retired() {
        return retired;
    }

    ConsensusConfig config() {
        return config;
    }

    /** Holds the incarnation's events until {@link #resume}, as a long GC pause would. */
    void pause() {
        if (current != null) {
            paused = true;
        }
    }

    /** Runs the held events, late. */
    void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        List<Scheduler.Event> events = new ArrayList<>(held);
        held.clear();
        scheduler.release(events);
    }

    /** Whether the running incarnation has writes its disk would lose in a crash now. */
    boolean hasUnsyncedWrites() {
        return current != null && current.storage.hasUnsynced();
    }

    boolean up() {
        return current != null;
    }

    boolean paused() {
        return paused;
    }

    /** The running incarnation, or null when down. */
    Incarnation incarnation() {
        return current;
    }

    /** The group of the running incarnation, or null when down. */
    ConsensusGroup group() {
        return current == null ? null : current.group;
    }

    /** The state machine of the running incarnation, or null when down. */
    StateMachine stateMachine() {
        return current == null ? null : current.stateMachine;
    }

    /** The running incarnation's status, or null when down. */
    GroupStatus status() {
        return current == null ? null : current.group.status();
    }

    @Override
    public String toString() {
        return id;
    }
}
