package io.consensus.testkit.sim;

/**
 * A simulation found a bug: a safety or liveness violation, a member that threw, or a
 * non-linearizable history. The message names the seed that reproduces it ({@code -Dsim.seed=N}),
 * the failing key's sub-history when there is one, and the trace around it.
 */
public final class SimulationFailure extends AssertionError {

    private static final long serialVersionUID = 1L;

    private final long seed;

    SimulationFailure(long seed, String message, Throwable cause) {
        super(message, cause);
        this.seed = seed;
    }

    /** The seed that reproduces the failure. */
    public long seed() {
        return seed;
    }
}
