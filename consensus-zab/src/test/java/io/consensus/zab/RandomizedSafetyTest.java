package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.ReadConsistency;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random runs: messages reordered, dropped and duplicated, members crashing (with torn log
 * tails) and restarting, partitions, drifting clocks, slow fsyncs, snapshots and SNAP transfers,
 * proposals, reads and leadership transfers throughout. The harness checks safety at every step
 * (one leader per epoch, delivered sequences are prefixes of each other, reads see every earlier
 * commit); after healing, a new write must reach every member (liveness) and every member must hold
 * the same history. A failure names the seed that reproduces it.
 */
class RandomizedSafetyTest {

    private static final int SEEDS = Integer.getInteger("zab.seeds", 120);

    @Test
    void threeMembersStaySafe() {
        runSeeds(3, 1, SEEDS, 2_500);
    }

    @Test
    void fiveMembersStaySafe() {
        runSeeds(5, 100_001, SEEDS / 4, 2_500);
    }

    /**
     * The random runs themselves catch deliberate bugs: for each fault switch, some early seed must end
     * in a violation (or a broken invariant, or lost liveness). Otherwise passing runs would mean little.
     */
    @Test
    void randomRunsNoticeDeliberateBugs() {
        ZabFaults[] faults = {ZabFaults.onlyAckNewLeaderBeforeDiffLogged(), ZabFaults.onlySnapInMemoryOnly(),
                ZabFaults.onlySkipEpochPersist()};
        for (ZabFaults fault : faults) {
            boolean caught = false;
            for (long seed = 1; seed <= 60 && !caught; seed++) {
                RandomRun run = new RandomRun(3, seed, 2_500, fault);
                try {
                    run.execute();
                    caught = !run.cluster.violations.isEmpty();
                } catch (IllegalStateException | AssertionError e) {
                    caught = true;
                }
            }
            assertThat(caught).as("random runs notice " + fault).isTrue();
        }
    }

    private static void runSeeds(int members, long firstSeed, int seeds, int steps) {
        java.util.TreeMap<String, Long> coverage = new java.util.TreeMap<>();
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            RandomRun run = new RandomRun(members, seed, steps, ZabFaults.NONE);
            try {
                run.execute();
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("seed " + seed + " (" + members + " members): " + e + "\n"
                        + run.cluster.describe() + "\n  last messages: " + run.cluster.recent(), e);
            }
            assertThat(run.cluster.violations).as("seed " + seed + "\n" + run.cluster.describe()).isEmpty();
            run.cluster.coverage.forEach((what, n) -> coverage.merge(what, n, Long::sum));
        }
        System.out.println("zab random runs: " + members + " members, seeds " + firstSeed + ".." + (firstSeed + seeds - 1)
                + ", coverage " + coverage);
        // The runs must reach the interesting paths, or passing them means little.
        assertThat(coverage).containsKeys("Trunc", "Diff", "Snap", "snapshotInstalled", "Resync", "crash",
                "readGranted", "leaderEstablished", "TakeOver", "TakingOver", "transferSucceeded");
    }

    /** One seeded run; public so that fault tests can check the run notices a bug. */
    static final class RandomRun {
        final ZabCluster cluster;
        private final Random random;
        private final int steps;
        private final double[] rate;
        private final double[] clock;
        private final List<String> ids;
        private final int maxDown;

        RandomRun(int members, long seed, int steps, ZabFaults faults) {
            this.random = new Random(seed);
            this.cluster = new ZabCluster(ZabCluster.ids(members), seed, 10, 2, faults);
            this.steps = steps;
            this.ids = new ArrayList<>(cluster.nodes.keySet());
            this.maxDown = (members - 1) / 2;
            this.rate = new double[members];
            this.clock = new double[members];
            for (int i = 0; i < members; i++) {
                rate[i] = 0.96 + 0.08 * random.nextDouble(); // within the 0.1 drift bound
            }
            cluster.tornCrashes = true;
            cluster.recordDeliveries = false;
            cluster.keepSnapshotSuffix = random.nextBoolean();
            cluster.autoTransfer = false;
            if (random.nextBoolean()) {
                cluster.snapshotEvery = 8 + random.nextInt(20);
                cluster.snapshotRetain = random.nextInt(4);
            }
            for (ZabCluster.Node node : cluster.nodes.values()) {
                node.autoSync = false;
            }
        }

        void execute() {
            cluster.start();
            Set<String> down = new HashSet<>();
            for (int step = 0; step < steps; step++) {
                int action = random.nextInt(1000);
                if (action < 500) {
                    for (int i = 0; i < 3; i++) {
                        deliverRandom();
                    }
                } else if (action < 520) {
                    dropRandom();
                } else if (action < 530) {
                    duplicateRandom();
                } else if (action < 650) {
                    advanceTime();
                } else if (action < 800) {
                    syncRandom();
                } else if (action < 880) {
                    cluster.leader().ifPresent(leader -> cluster.propose(leader.id, "c" + random.nextInt(1000)));
                } else if (action < 910) {
                    ZabCluster.Node target = cluster.node(ids.get(random.nextInt(ids.size())));
                    if (target.up) {
                        cluster.read(target.id, random.nextBoolean() ? ReadConsistency.LINEARIZABLE : ReadConsistency.LEASE);
                    }
                } else if (action < 940) {
                    if (!cluster.transfers.isEmpty()) {
                        cluster.completeTransfer(cluster.transfers.get(random.nextInt(cluster.transfers.size())));
                    }
                } else if (action < 945) {
                    String id = ids.get(random.nextInt(ids.size()));
                    if (!down.contains(id) && down.size() < maxDown) {
                        cluster.crash(id);
                        down.add(id);
                    }
                } else if (action < 965) {
                    if (!down.isEmpty()) {
                        String id = down.iterator().next();
                        down.remove(id);
                        cluster.start(id);
                    }
                } else if (action < 970) {
                    Set<String> side = new HashSet<>();
                    for (String id : ids) {
                        if (random.nextBoolean()) {
                            side.add(id);
                        }
                    }
                    cluster.partition(side);
                } else if (action < 985) {
                    cluster.heal();
                } else if (action < 990) {
                    String target = ids.get(random.nextInt(ids.size()));
                    cluster.leader().ifPresent(leader -> cluster.transferLeadership(leader.id, target));
                } else {
                    // A slow peer's queue overflows: the oldest messages are lost.
                    while (cluster.network.size() > 60) {
                        cluster.network.remove(0);
                    }
                }
            }
            heal(down);
        }

        /** Heals everything and checks liveness and final agreement. */
        private void heal(Set<String> down) {
            cluster.heal();
            for (String id : down) {
                cluster.start(id);
            }
            cluster.autoTransfer = true;
            for (ZabCluster.Node node : cluster.nodes.values()) {
                node.autoSync = true;
            }
            cluster.runUntil(this::settled, 60 * cluster.electionTicks, "one leader followed by every member");
            cluster.write("final");
            cluster.checkLogsHoldCommitted();
            long applied = -1;
            for (ZabCluster.Node node : cluster.nodes.values()) {
                if (applied < 0) {
                    applied = node.appliedIndex;
                } else if (node.appliedIndex != applied) {
                    cluster.violations.add("after healing " + node.id + " applied " + node.appliedIndex + ", others " + applied);
                }
            }
        }

        /** One established leader, every other member following it and up to date. */
        private boolean settled() {
            java.util.Optional<ZabCluster.Node> leader = cluster.leader();
            if (leader.isEmpty() || cluster.nodes.values().stream().filter(ZabCluster.Node::isLeader).count() != 1) {
                return false;
            }
            for (ZabCluster.Node node : cluster.nodes.values()) {
                String known = node.core.status().state().leaderId();
                if (!leader.get().id.equals(known)) {
                    return false;
                }
            }
            return true;
        }

        private void deliverRandom() {
            if (!cluster.network.isEmpty()) {
                cluster.deliver(cluster.network.get(random.nextInt(cluster.network.size())));
            }
        }

        private void dropRandom() {
            if (!cluster.network.isEmpty()) {
                cluster.network.remove(random.nextInt(cluster.network.size()));
            }
        }

        private void duplicateRandom() {
            if (!cluster.network.isEmpty()) {
                cluster.network.add(cluster.network.get(random.nextInt(cluster.network.size())));
            }
        }

        private void advanceTime() {
            for (int i = 0; i < ids.size(); i++) {
                clock[i] += rate[i];
                while (clock[i] >= 1) {
                    clock[i] -= 1;
                    cluster.tick(ids.get(i));
                }
            }
        }

        private void syncRandom() {
            ZabCluster.Node node = cluster.node(ids.get(random.nextInt(ids.size())));
            if (node.up) {
                cluster.sync(node.id);
            }
        }
    }
}
