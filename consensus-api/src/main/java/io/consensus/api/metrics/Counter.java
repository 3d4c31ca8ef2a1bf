package io.consensus.api.metrics;

/** A monotonically increasing count. Thread-safe; never blocks, allocates or throws. */
public interface Counter extends Meter {

    /** Adds one. */
    default void increment() {
        increment(1);
    }

    /** Adds {@code amount} (not negative). */
    void increment(long amount);
}
