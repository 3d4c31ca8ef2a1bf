package io.consensus.testkit.sim;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.StateMachine;
import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.testkit.KvStateMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.stream.LongStream;

/**
 * A deterministic simulation of a whole cluster: N members of a protocol running the real
 * {@code consensus-core} runtime on virtual time, with one seeded random source, a faulty network,
 * crashing disks, pauses and drifting clocks, driven by clients through the public
 * {@link io.consensus.api.ConsensusGroup} API. The same seed gives the same run, event for event.
 *
 * <pre>{@code
 * Simulation sim = Simulation.builder()
 *         .protocol(new MyProtocol(faults))       // or .protocol("raft") to find it by name
 *         .members(5)
 *         .operations(10_000)
 *         .faults(FaultModel.standard())
 *         .build();
 * SimResult result = sim.run(42);                 // throws SimulationFailure on a bug
 * Coverage total = sim.runSeeds(Simulation.seeds(100));
 * }</pre>
 *
 * <p>Each run: members start, clients run the operations while faults come and go (and, if
 * configured, an operator changes the membership and transfers leadership); then every fault is
 * healed, a write must complete within {@code livenessBoundMillis} (liveness), every member of the
 * final configuration must reach the same applied state, and the history must be linearizable. Along the way every applied
 * command is checked to be the same on every member at the same index, at most one member may lead
 * in one era, STALE reads must return a value of the serving member's applied prefix, and a member's
 * applied state must never go back.
 */
public final class Simulation {

    /** Everything a run is configured with. */
    record Settings(ConsensusProtocol protocolInstance, String protocolName, int members, int operations, int clients,
                    NetworkModel network, FaultModel faults, double clockDriftBound, long clockOffsetMaxMillis,
                    UnaryOperator<ConsensusConfig.Builder> configure, Supplier<StateMachine> stateMachine,
                    Function<RandomGenerator, byte[]> commands, boolean oneLeaderPerEra, long livenessBoundMillis,
                    long maxWorkloadMillis, long fsyncMaxMicros, Reconfiguration reconfiguration,
                    boolean checkQuiescence) {}

    private final Settings settings;

    private Simulation(Settings settings) {
        this.settings = settings;
    }

    /** A builder with the defaults: 3 members, 1,000 operations, 10 clients, a LAN, standard faults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs one seed.
     *
     * @throws SimulationFailure naming the seed, what went wrong and the trace around it
     */
    public SimResult run(long seed) {
        return new Run(settings, seed).execute();
    }

    /**
     * Runs every seed, stopping at the first failure, and prints one summary line: the commit,
     * the seed range, operations per seed, the summed coverage and a hash of every run's trace hash
     * (the verdict record of a long run).
     */
    public Coverage runSeeds(long[] seeds) {
        Coverage total = new Coverage();
        long verdicts = 0;
        long cpu = 0;
        for (long seed : seeds) {
            SimResult result = run(seed);
            total.add(result.coverage());
            verdicts = verdicts * 31 + result.traceHash();
            cpu += result.cpuNanos();
        }
        if (seeds.length > 0) {
            System.out.printf("sim: protocol=%s commit=%s seeds=%d..%d (%d) members=%d ops/seed=%d verdictHash=%016x "
                            + "cpu=%.1fs%n  coverage: %s%n",
                    protocolName(), commit(), seeds[0], seeds[seeds.length - 1], seeds.length, settings.members(),
                    settings.operations(), verdicts, cpu / 1e9, total);
        }
        return total;
    }

    String protocolName() {
        return settings.protocolInstance() != null ? settings.protocolInstance().name() : settings.protocolName();
    }

    /**
     * The seeds to run: {@code -Dsim.seed=N} replays just N; otherwise {@code -Dsim.seeds=COUNT}
     * seeds (default {@code defaultCount}) starting at {@code -Dsim.seed.start} (default 1).
     */
    public static long[] seeds(int defaultCount) {
        String one = System.getProperty("sim.seed");
        if (one != null && !one.isBlank()) {
            return new long[] {Long.parseLong(one.trim())};
        }
        int count = Integer.getInteger("sim.seeds", defaultCount);
        long start = Long.getLong("sim.seed.start", 1L);
        return LongStream.range(start, start + count).toArray();
    }

    /** Operations per run: {@code -Dsim.ops}, else {@code defaultOperations}. */
    public static int operations(int defaultOperations) {
        return Integer.getInteger("sim.ops", defaultOperations);
    }

    private static String commit() {
        String property = System.getProperty("sim.commit");
        if (property != null) {
            return property;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path head = dir.resolve(".git/HEAD");
            if (Files.isRegularFile(head)) {
                try {
                    String text = Files.readString(head).trim();
                    if (text.startsWith("ref: ")) {
                        Path ref = dir.resolve(".git").resolve(text.substring(5));
                        return Files.isRegularFile(ref) ? Files.readString(ref).trim().substring(0, 12) : text.substring(5);
                    }
                    return text.substring(0, Math.min(12, text.length()));
                } catch (IOException e) {
                    return "unknown";
                }
            }
        }
        return "unknown";
    }

    /** Configures a {@link Simulation}. */
    public static final class Builder {
        private ConsensusProtocol protocolInstance;
        private String protocolName;
        private int members = 3;
        private int operations = 1_000;
        private int clients = 10;
        private NetworkModel network = NetworkModel.lan();
        private FaultModel faults = FaultModel.standard();
        private Reconfiguration reconfiguration = Reconfiguration.none();
        private double clockDriftBound = 0.05;
        private long clockOffsetMaxMillis = 60_000;
        private UnaryOperator<ConsensusConfig.Builder> configure = b -> b;
        private Supplier<StateMachine> stateMachine = KvStateMachine::new;
        private Function<RandomGenerator, byte[]> commands;
        private boolean oneLeaderPerEra = true;
        private long livenessBoundMillis = 30_000;
        private long maxWorkloadMillis = -1;
        private long fsyncMaxMicros = 5_000;
        private boolean checkQuiescence;

        private Builder() {}

        /** Runs this protocol instance (e.g. one with test-only fault switches). */
        public Builder protocol(ConsensusProtocol value) {
            protocolInstance = Objects.requireNonNull(value, "protocol");
            protocolName = null;
            return this;
        }

        /** Runs the protocol registered under this name ({@code raft}, {@code paxos}, {@code zab}). */
        public Builder protocol(String name) {
            protocolName = Objects.requireNonNull(name, "protocol");
            protocolInstance = null;
            return this;
        }

        /** The number of members (voters), at least 1. */
        public Builder members(int value) {
            members = value;
            return this;
        }

        /** Client operations per run. */
        public Builder operations(int value) {
            operations = value;
            return this;
        }

        /** Concurrent clients, each with one operation in flight. */
        public Builder clients(int value) {
            clients = value;
            return this;
        }

        /** The network's latency, loss and duplication outside faults. */
        public Builder network(NetworkModel value) {
            network = Objects.requireNonNull(value);
            return this;
        }

        /** The faults to inject. */
        public Builder faults(FaultModel value) {
            faults = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Membership changes and leadership transfers an operator makes during the run (default
         * {@link Reconfiguration#none()}). The run then checks agreement and liveness among the
         * members of the final configuration, and that a change refused as certainly not applied
         * never takes effect.
         */
        public Builder reconfiguration(Reconfiguration value) {
            reconfiguration = Objects.requireNonNull(value);
            return this;
        }

        /**
         * The largest ratio by which two members' clock rates may differ, minus one (default 0.05;
         * keep it below the configured {@code consensus.lease.drift.bound}, default 0.1).
         */
        public Builder clockDriftBound(double value) {
            clockDriftBound = value;
            return this;
        }

        /** Members' monotonic clocks start at a random reading in [0, this] (default 60 s). */
        public Builder clockOffsetMaxMillis(long value) {
            clockOffsetMaxMillis = value;
            return this;
        }

        /** Adjusts each member's configuration (timing, snapshot thresholds, ...) after the defaults. */
        public Builder configure(UnaryOperator<ConsensusConfig.Builder> value) {
            configure = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Runs your own state machine instead of the key-value one: clients submit the commands
         * {@code commands} generates. The run then checks replica agreement (the same command at
         * every index, and equal {@link StateMachine#snapshot} bytes at the end: keep snapshots
         * deterministic) and liveness, but not linearizability, which needs the key-value model.
         */
        public Builder stateMachine(Supplier<StateMachine> factory, Function<RandomGenerator, byte[]> commands) {
            stateMachine = Objects.requireNonNull(factory);
            this.commands = Objects.requireNonNull(commands);
            return this;
        }

        /** Whether to fail when two members lead in the same era (default true). */
        public Builder oneLeaderPerEra(boolean value) {
            oneLeaderPerEra = value;
            return this;
        }

        /** How long after healing a write must complete (default 30 s of virtual time). */
        public Builder livenessBoundMillis(long value) {
            livenessBoundMillis = value;
            return this;
        }

        /** Virtual time after which clients stop issuing (default 60 s + 50 ms per operation). */
        public Builder maxWorkloadMillis(long value) {
            maxWorkloadMillis = value;
            return this;
        }

        /** The slowest ordinary fsync in microseconds (default 5 ms; 2% take up to 10x). */
        public Builder fsyncMaxMicros(long value) {
            fsyncMaxMicros = value;
            return this;
        }

        /**
         * After the run has settled, leaves the group idle and checks that every member goes quiescent
         * within a few election timeouts and the group then sends nothing but node liveness messages;
         * then crashes the sleeping leader and checks a write still completes within the liveness
         * bound. For protocols whose cores implement {@link io.consensus.api.spi.ProtocolCore#quiescent()}
         * (default false).
         */
        public Builder checkQuiescence(boolean value) {
            checkQuiescence = value;
            return this;
        }

        public Simulation build() {
            if (protocolInstance == null && protocolName == null) {
                throw new IllegalStateException("a protocol is required: protocol(instance) or protocol(name)");
            }
            if (members < 1 || operations < 0 || clients < 1) {
                throw new IllegalArgumentException("members and clients must be positive and operations not negative");
            }
            if (!(clockDriftBound >= 0 && clockDriftBound < 0.5)) {
                throw new IllegalArgumentException("clockDriftBound must be in [0, 0.5)");
            }
            long workload = maxWorkloadMillis > 0 ? maxWorkloadMillis : 60_000 + 50L * operations;
            return new Simulation(new Settings(protocolInstance, protocolName, members, operations, clients, network,
                    faults, clockDriftBound, clockOffsetMaxMillis, configure, stateMachine, commands, oneLeaderPerEra,
                    livenessBoundMillis, workload, fsyncMaxMicros, reconfiguration, checkQuiescence));
        }
    }
}
