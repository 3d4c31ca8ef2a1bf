package io.consensus.api.metrics;

/**
 * A distribution of amounts that are not durations: sizes in bytes, batch sizes. Thread-safe; never
 * blocks, allocates or throws.
 */
public interface Summary extends Meter {

    /** Records one amount (not negative), in the unit of its {@link MeterId#baseUnit()}. */
    void record(long amount);
}
