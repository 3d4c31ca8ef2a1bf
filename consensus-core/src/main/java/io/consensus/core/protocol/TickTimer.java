package io.consensus.core.protocol;

import java.util.random.RandomGenerator;

/**
 * A timeout counted in ticks. A randomized timer draws its length from [base, 2*base) at every
 * reset, from the core's seeded random source, which is what breaks election ties.
 */
public final class TickTimer {

    private final int baseTicks;
    private final RandomGenerator random;
    private int timeoutTicks;
    private int elapsedTicks;

    private TickTimer(int baseTicks, RandomGenerator random) {
        if (baseTicks < 1) {
            throw new IllegalArgumentException("timeout must be at least one tick, was " + baseTicks);
        }
        this.baseTicks = baseTicks;
        this.random = random;
        reset();
    }

    /** A timer of exactly {@code ticks}. */
    public static TickTimer fixed(int ticks) {
        return new TickTimer(ticks, null);
    }

    /** A timer of a random length in [base, 2*base), redrawn at every reset. */
    public static TickTimer randomized(int baseTicks, RandomGenerator random) {
        return new TickTimer(baseTicks, random);
    }

    /** Restarts the count (and draws a new length if randomized). */
    public void reset() {
        elapsedTicks = 0;
        timeoutTicks = random == null ? baseTicks : baseTicks + random.nextInt(baseTicks);
    }

    /**
     * Advances one tick.
     *
     * @return true exactly when the timeout is reached (the timer then restarts)
     */
    public boolean tick() {
        elapsedTicks++;
        if (elapsedTicks >= timeoutTicks) {
            reset();
            return true;
        }
        return false;
    }

    /** Ticks counted since the last reset. */
    public int elapsed() {
        return elapsedTicks;
    }
}
