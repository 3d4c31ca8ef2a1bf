package io.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 4's election-time measurement, in the spirit of paper §9.3 (Figure 16): a steady cluster,
 * the leader crashes at a random point of its heartbeat interval, and we count ticks until a new
 * leader is elected. Election timeouts are drawn from [T, 2T) with T = 100 ticks, heartbeats every
 * T/10, and one-way latency below one tick (T/100). Reported in units of T.
 */
class ElectionTimeTest {

    static final int T = 100;
    static final int HEARTBEAT = 10;
    static final int TRIALS = Integer.getInteger("raft.election.trials", 300);

    record Distribution(int members, int trials, double median, double p99, double max, double min) {
        @Override
        public String toString() {
            return String.format("%d members, %d trials: min %.2fT, median %.2fT, p99 %.2fT, max %.2fT",
                    members, trials, min, median, p99, max);
        }
    }

    static Distribution measure(int members, int trials) {
        List<Integer> ticks = new ArrayList<>();
        for (int seed = 0; seed < trials; seed++) {
            SimCluster c = new SimCluster(SimCluster.ids(members), seed, T, HEARTBEAT, 0.1, RaftFaults.NONE);
            c.start();
            String old = c.awaitLeader(20 * T);
            c.run(2 * T + new Random(seed).nextInt(HEARTBEAT)); // crash anywhere in a heartbeat interval
            c.crash(old);
            int took = c.runUntil(x -> x.leader() != null && !x.leader().equals(old), 50 * T);
            assertThat(took).as("seed %d elected no new leader", seed).isPositive();
            ticks.add(took);
        }
        Collections.sort(ticks);
        return new Distribution(members, trials, ticks.get(trials / 2) / (double) T,
                ticks.get((int) Math.ceil(trials * 0.99) - 1) / (double) T, ticks.get(trials - 1) / (double) T,
                ticks.get(0) / (double) T);
    }

    @Test
    void aNewLeaderIsElectedQuicklyAfterTheLeaderCrashes() {
        for (int members : new int[] {3, 5}) {
            Distribution d = measure(members, TRIALS);
            System.out.println("Election time after a leader crash, " + d);
            // Detection alone takes [T, 2T) minus the time since the last heartbeat.
            assertThat(d.min()).isGreaterThanOrEqualTo(0.85);
            assertThat(d.median()).isLessThan(2.0);
            assertThat(d.max()).isLessThan(6.0);
        }
    }
}
