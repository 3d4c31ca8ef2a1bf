package io.consensus.testkit.sim;

/**
 * What one passing run did.
 *
 * @param seed          the seed
 * @param traceHash     the hash of everything observable; equal for two runs of one seed
 * @param coverage      what the run exercised
 * @param operations    client operations in the linearizability history
 * @param virtualMillis virtual time the run took
 * @param events        events the scheduler ran
 * @param cpuNanos      CPU time of the running thread (wall time where unavailable)
 */
public record SimResult(long seed, long traceHash, Coverage coverage, int operations, long virtualMillis, long events,
                        long cpuNanos) {

    @Override
    public String toString() {
        return String.format("seed %d: trace %016x, %d ops in history, %d virtual ms, %d events, %.1f ms CPU; %s",
                seed, traceHash, operations, virtualMillis, events, cpuNanos / 1e6, coverage);
    }
}
