package io.consensus.testkit.sim;

/**
 * Which faults a run injects and how often. Faults start at exponentially distributed intervals
 * (mean {@code meanIntervalMillis} of virtual time, 0 for none); each is drawn by weight:
 * <ul>
 *   <li>crash: one member crashes (its unsynced writes are lost, or with {@code tearProbability} a
 *       random prefix of them survives, a torn tail) and restarts within {@code maxDownMillis};</li>
 *   <li>power loss: every member crashes at once, each restarting within {@code maxDownMillis};</li>
 *   <li>pause: one member stops running (a GC pause) for up to {@code maxPauseMillis}, then runs
 *       its held timers and messages late, with stale beliefs;</li>
 *   <li>partition (unless one is in force): for 10% to 100% of {@code maxPartitionMillis}:
 *       one member isolated (40%), a random minority/majority split (30%), a one-way block (a
 *       member can receive but not send, or the reverse; 15%), or a bridge (two sides that do not
 *       see each other and one member that sees both; 15%);</li>
 *   <li>storm: for a while messages are lost (30%), duplicated (10%) and delayed far more.</li>
 * </ul>
 * Targets are the current leader with {@code targetLeaderProbability}, else chosen at random. At
 * a power loss, half of the time the member that applied the most restarts last, after the others
 * had time to elect a leader of their own.
 *
 * <p>Random crash times rarely hit the few milliseconds in which a member has sent something that
 * depends on writes it has not synced, which is where durability bugs live. So, besides the timed
 * faults, each message sent by a member with unsynced writes triggers, with
 * {@code unsyncedCrashProbability}, a crash of that member or a power loss right after the send
 * (at most one such crash per three mean fault intervals).
 */
public record FaultModel(long meanIntervalMillis, int crashWeight, int powerLossWeight, int pauseWeight,
                         int partitionWeight, int stormWeight, long maxDownMillis, long maxPauseMillis,
                         long maxPartitionMillis, double tearProbability, double targetLeaderProbability,
                         double unsyncedCrashProbability) {

    public FaultModel {
        if (meanIntervalMillis < 0 || crashWeight < 0 || powerLossWeight < 0 || pauseWeight < 0 || partitionWeight < 0
                || stormWeight < 0 || maxDownMillis < 1 || maxPauseMillis < 1 || maxPartitionMillis < 1) {
            throw new IllegalArgumentException("fault intervals, weights and durations must be positive: " + this);
        }
        if (!(unsyncedCrashProbability >= 0 && unsyncedCrashProbability <= 1)) {
            throw new IllegalArgumentException("unsyncedCrashProbability must be in [0, 1]");
        }
        if (meanIntervalMillis > 0 && crashWeight + powerLossWeight + pauseWeight + partitionWeight + stormWeight == 0) {
            throw new IllegalArgumentException("at least one fault needs a weight");
        }
    }

    /** No faults at all (the network model's loss and reordering still apply). */
    public static FaultModel none() {
        return new FaultModel(0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0);
    }

    /**
     * Every kind of fault, about one every 800 ms of virtual time (with the simulation's default
     * 500 ms election timeout the cluster spends much of the run recovering from one fault or
     * another, yet makes progress between them).
     */
    public static FaultModel standard() {
        return new FaultModel(800, 3, 2, 2, 4, 1, 1_500, 1_500, 3_000, 0.5, 0.6, 0.01);
    }

    /** This model without crashes or power losses (for protocols that cannot survive them yet). */
    public FaultModel withoutCrashes() {
        return new FaultModel(meanIntervalMillis, 0, 0, pauseWeight, partitionWeight, stormWeight, maxDownMillis,
                maxPauseMillis, maxPartitionMillis, tearProbability, targetLeaderProbability, 0);
    }

    /** This model with faults starting every {@code millis} on average. */
    public FaultModel withMeanIntervalMillis(long millis) {
        return new FaultModel(millis, crashWeight, powerLossWeight, pauseWeight, partitionWeight, stormWeight,
                maxDownMillis, maxPauseMillis, maxPartitionMillis, tearProbability, targetLeaderProbability,
                unsyncedCrashProbability);
    }
}
