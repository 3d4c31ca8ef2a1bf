package io.consensus.api.metrics;

/**
 * A distribution of durations (latency histograms). Thread-safe; never blocks, allocates or throws.
 * Durations come from the runtime's own clock (virtual time in the simulator).
 */
public interface Timer extends Meter {

    /** Records one duration of {@code nanos} nanoseconds (not negative). */
    void recordNanos(long nanos);
}
