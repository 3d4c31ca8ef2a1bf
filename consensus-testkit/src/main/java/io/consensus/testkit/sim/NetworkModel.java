package io.consensus.testkit.sim;

/**
 * How the simulated network treats each message while no partition blocks it: a latency drawn
 * uniformly from {@code [latencyMinMicros, latencyTypicalMicros]}, or with probability
 * {@code tailProbability} from {@code [latencyTypicalMicros, latencyTailMicros]} (which reorders
 * messages), independent loss, and duplication (the copy gets its own latency).
 *
 * @param latencyMinMicros     the fastest delivery
 * @param latencyTypicalMicros the slowest ordinary delivery
 * @param latencyTailMicros    the slowest delivery of the tail
 * @param tailProbability      the chance a message takes the slow tail
 * @param lossProbability      the chance a message is lost
 * @param duplicateProbability the chance a message is delivered twice
 */
public record NetworkModel(long latencyMinMicros, long latencyTypicalMicros, long latencyTailMicros,
                           double tailProbability, double lossProbability, double duplicateProbability) {

    public NetworkModel {
        if (latencyMinMicros < 0 || latencyTypicalMicros < latencyMinMicros || latencyTailMicros < latencyTypicalMicros) {
            throw new IllegalArgumentException("latencies must satisfy 0 <= min <= typical <= tail");
        }
        checkProbability("tailProbability", tailProbability);
        checkProbability("lossProbability", lossProbability);
        checkProbability("duplicateProbability", duplicateProbability);
    }

    /** A LAN with a slow tail, 1% loss and 1% duplication. */
    public static NetworkModel lan() {
        return new NetworkModel(100, 2_000, 40_000, 0.02, 0.01, 0.01);
    }

    /** A perfect network: fixed 1 ms latency, no loss, no duplication, no reordering. */
    public static NetworkModel perfect() {
        return new NetworkModel(1_000, 1_000, 1_000, 0, 0, 0);
    }

    /** This model without loss or duplication (what remains once faults are healed). */
    public NetworkModel healed() {
        return new NetworkModel(latencyMinMicros, latencyTypicalMicros, latencyTailMicros, tailProbability, 0, 0);
    }

    private static void checkProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], was " + p);
        }
    }
}
