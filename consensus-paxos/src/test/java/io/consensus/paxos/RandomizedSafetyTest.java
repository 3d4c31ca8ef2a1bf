package io.consensus.paxos;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Many seeds of random ticks, reordering, loss, duplication, partitions, crashes that lose unsynced
 * writes (sometimes keeping a torn prefix of them), snapshots and compaction, reads, transfers and
 * single-voter membership changes, on 3 members ({@code sim.seeds}, default 300) and 5 members (a
 * third as many). The harness checks on every step that no slot
 * is chosen (a quorum of acceptors in one ballot) or learnt with two values, that every member
 * applies in slot order, and that reads never miss a slot learnt before they were issued. At the end
 * the faults heal and the cluster must choose and apply a new command everywhere (liveness).
 */
class RandomizedSafetyTest {

    static final int SEEDS = Integer.getInteger("sim.seeds", 300);
    static final long START = Long.getLong("sim.seed.start", 0L);
    static final int STEPS = 3000;
    static final Totals TOTALS = new Totals();

    static final class Totals {
        long seeds;
        long leaderChanges;
        long learnt;
        long noops;
        long crashes;
        long snapshotInstalls;
        long logsEmptied;
        long reads;
        long transfersOk;
        long changesOk;

        @Override
        public String toString() {
            return seeds + " seeds: " + leaderChanges + " leaderships, " + learnt + " slots learnt (" + noops + " no-ops), "
                    + crashes + " crashes, " + snapshotInstalls + " snapshot installs (" + logsEmptied
                    + " emptied a log), " + reads + " reads granted, " + transfersOk + " transfers ok, " + changesOk
                    + " membership changes ok";
        }
    }

    @Test
    void threeMembers() {
        for (long seed = START; seed < START + SEEDS; seed++) {
            runSeed(seed, 3);
        }
    }

    @Test
    void fiveMembers() {
        for (long seed = START; seed < START + Math.max(1, SEEDS / 3); seed++) {
            runSeed(1_000_000_000L + seed, 5);
        }
    }

    @AfterAll
    static void report() {
        System.out.println("paxos RandomizedSafetyTest coverage: " + TOTALS);
        assertThat(TOTALS.leaderChanges).isGreaterThan(TOTALS.seeds * 3);
        assertThat(TOTALS.noops).isGreaterThan(TOTALS.seeds / 50);
        assertThat(TOTALS.snapshotInstalls).isGreaterThan(TOTALS.seeds / 4);
        assertThat(TOTALS.crashes).isGreaterThan(TOTALS.seeds);
        assertThat(TOTALS.transfersOk).isGreaterThan(TOTALS.seeds / 10);
        assertThat(TOTALS.changesOk).isGreaterThan(TOTALS.seeds / 10);
    }

    static PaxosCluster runSeed(long seed, int members) {
        PaxosCluster c = new PaxosCluster(PaxosCluster.ids(members), seed, 10, 2, 0.1, PaxosFaults.NONE);
        try {
            run(c, new Random(seed ^ 0x5DEECE66DL));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " with " + members + " members failed: " + e.getMessage()
                    + "\n" + c, e);
        }
        return c;
    }

    static void run(PaxosCluster c, Random rnd) {
        c.tear = new Random(rnd.nextLong());
        c.start();
        c.nodes.values().forEach(n -> n.autoSync = false);
        List<String> ids = new ArrayList<>(c.nodes.keySet());
        int proposals = 0;
        Set<Long> transfers = new HashSet<>();
        Set<Long> changes = new HashSet<>();
        for (int step = 0; step < STEPS; step++) {
            String any = ids.get(rnd.nextInt(ids.size()));
            int r = rnd.nextInt(1000);
            if (r < 350) {
                c.tick(any);
            } else if (r < 700) {
                if (!c.network.isEmpty()) {
                    int at = rnd.nextInt(4) == 0 ? rnd.nextInt(c.network.size()) : 0; // mostly in order
                    c.deliverAt(at);
                }
            } else if (r < 720) {
                if (!c.network.isEmpty()) {
                    c.network.remove(rnd.nextInt(c.network.size()));
                }
            } else if (r < 730) {
                if (!c.network.isEmpty()) {
                    c.network.add(c.network.get(rnd.nextInt(c.network.size())));
                }
            } else if (r < 740) {
                if (!c.snapshots.isEmpty()) {
                    c.deliverSnapshot(c.snapshots.remove(0));
                }
            } else if (r < 820) {
                c.sync(any);
            } else if (r < 880) {
                String leader = c.leader();
                c.propose(leader != null ? leader : any, "p" + proposals++);
            } else if (r < 900) {
                String leader = c.leader();
                String at = leader != null ? leader : any;
                if (c.node(at).up) {
                    c.read(at, rnd.nextBoolean() ? ReadConsistency.LINEARIZABLE : ReadConsistency.LEASE);
                }
            } else if (r < 903) {
                if (c.node(any).up && upCount(c) > 1) {
                    c.crash(any);
                    TOTALS.crashes++;
                }
            } else if (r < 925) {
                if (!c.node(any).up) {
                    c.restart(any);
                    c.node(any).autoSync = false;
                }
            } else if (r < 928) {
                Set<String> group = new HashSet<>();
                for (String id : ids) {
                    if (rnd.nextBoolean()) {
                        group.add(id);
                    }
                }
                c.partition(group);
            } else if (r < 937) {
                c.heal();
            } else if (r < 945) {
                if (c.node(any).up) {
                    c.snapshot(any, rnd.nextInt(3));
                }
            } else if (r < 948) {
                String leader = c.leader();
                if (leader != null) {
                    transfers.add(c.transfer(leader, ids.get(rnd.nextInt(ids.size()))));
                }
            } else if (r < 952) {
                String leader = c.leader();
                if (leader != null) {
                    randomChange(c, leader, ids, rnd, changes);
                }
            } else {
                for (String id : ids) {
                    c.tick(id);
                }
            }
        }
        heal(c);
        TOTALS.transfersOk += transfers.stream().filter(id -> c.outcomes.containsKey(id) && c.outcomes.get(id).succeeded()).count();
        TOTALS.changesOk += changes.stream().filter(id -> c.outcomes.containsKey(id) && c.outcomes.get(id).succeeded()).count();
    }

    private static void randomChange(PaxosCluster c, String leader, List<String> ids, Random rnd, Set<Long> changes) {
        Membership m = c.core(leader).membership();
        String id = ids.get(rnd.nextInt(ids.size()));
        MembershipChange change;
        if (m.isVoter(id)) {
            if (m.voters().size() <= 2) {
                return;
            }
            change = rnd.nextBoolean() ? new MembershipChange.Remove(id) : new MembershipChange.AddLearner(Member.local(id));
        } else if (m.isLearner(id)) {
            change = rnd.nextBoolean() ? new MembershipChange.Promote(id) : new MembershipChange.Remove(id);
        } else {
            change = rnd.nextBoolean() ? new MembershipChange.AddVoter(Member.local(id))
                    : new MembershipChange.AddLearner(Member.local(id));
        }
        changes.add(c.changeMembership(leader, change));
    }

    private static int upCount(PaxosCluster c) {
        return (int) c.nodes.values().stream().filter(n -> n.up).count();
    }

    /** Heals every fault; then a leader must be established and a new command applied on every member. */
    static void heal(PaxosCluster c) {
        c.heal();
        c.holdSnapshots = false;
        for (PaxosCluster.Node node : c.nodes.values()) {
            if (!node.up) {
                c.restart(node.id);
            }
            node.autoSync = true;
            c.sync(node.id);
        }
        long[] proposedIn = {-1};
        int took = c.runUntil(x -> {
            String l = x.leader();
            if (l == null || !x.core(l).leader.reads.established()) {
                return false;
            }
            long chosenAt = x.learnt.entrySet().stream()
                    .filter(e -> PaxosCluster.describe(e.getValue()).startsWith("final@"))
                    .mapToLong(java.util.Map.Entry::getKey).findFirst().orElse(-1);
            long ballot = x.core(l).leader.ballot;
            if (chosenAt < 0) {
                // Proposed anew under each leadership until chosen (the runtime re-sends the same way).
                if (proposedIn[0] != ballot && x.propose(l, "final")) {
                    proposedIn[0] = ballot;
                }
                return false;
            }
            return x.nodes.values().stream().filter(n -> x.core(l).membership().member(n.id).isPresent())
                    .allMatch(n -> n.applied >= chosenAt);
        }, 200 * c.electionTicks);
        assertThat(took).as("liveness after healing\n%s", c).isNotNegative();
        c.checkObservedChosen();
        assertThat(c.violations).isEmpty();
        TOTALS.seeds++;
        TOTALS.leaderChanges += c.leaderChanges;
        TOTALS.learnt += c.maxLearnt;
        TOTALS.noops += c.noopsLearnt;
        TOTALS.snapshotInstalls += c.snapshotInstalls;
        TOTALS.logsEmptied += c.logsEmptiedBySnapshot;
        TOTALS.reads += c.grants.size();
    }
}
