package io.consensus.testkit.sim;

/**
 * What the simulated operator does to the group besides the clients' reads and writes, through the
 * public {@link io.consensus.api.ConsensusGroup} API, one request at a time. Operations start at
 * exponentially distributed intervals (mean {@code meanIntervalMillis} of virtual time, 0 for none);
 * each is drawn by weight:
 * <ul>
 *   <li>add: a new member with an empty disk starts and is added as a learner, then promoted
 *       (retried until it has caught up);</li>
 *   <li>remove: a voter or learner is removed, the leader with {@code removeLeaderProbability};
 *       the removed member keeps running until the operator notices, then stops, its disk kept;</li>
 *   <li>replace: an add, then the removal of another voter (possibly the leader);</li>
 *   <li>transfer: leadership is handed to a random member, down, cut off or learner included.</li>
 * </ul>
 * The voters stay between {@code members - 1} (at least one) and {@code members + 1} (a replace may
 * pass the upper bound by one until its removal). Requests go to the member some member believes
 * leads, or one time in five to a random member.
 */
public record Reconfiguration(long meanIntervalMillis, int addWeight, int removeWeight, int replaceWeight,
                              int transferWeight, double removeLeaderProbability) {

    public Reconfiguration {
        if (meanIntervalMillis < 0 || addWeight < 0 || removeWeight < 0 || replaceWeight < 0 || transferWeight < 0) {
            throw new IllegalArgumentException("the interval and weights must not be negative: " + this);
        }
        if (meanIntervalMillis > 0 && addWeight + removeWeight + replaceWeight + transferWeight == 0) {
            throw new IllegalArgumentException("at least one operation needs a weight");
        }
        if (!(removeLeaderProbability >= 0 && removeLeaderProbability <= 1)) {
            throw new IllegalArgumentException("removeLeaderProbability must be in [0, 1]");
        }
    }

    /** A fixed membership and no transfers (the default). */
    public static Reconfiguration none() {
        return new Reconfiguration(0, 0, 0, 0, 0, 0);
    }

    /**
     * About one operation every 1.5 s of virtual time (several per run of a few hundred operations),
     * a third of removals aimed at the leader.
     */
    public static Reconfiguration standard() {
        return new Reconfiguration(1_500, 2, 2, 2, 3, 0.35);
    }

    /** Whether the operator does anything. */
    boolean enabled() {
        return meanIntervalMillis > 0;
    }
}
