package io.consensus.api.metrics;

import java.util.function.DoubleSupplier;

/** The registry and meters of {@link MetricsRegistry#NOOP}: one shared instance that does nothing. */
final class NoopMeters implements MetricsRegistry, Counter, Timer, Summary {

    static final NoopMeters REGISTRY = new NoopMeters();

    private NoopMeters() {}

    @Override public Counter counter(MeterId id) { return this; }
    @Override public Timer timer(MeterId id) { return this; }
    @Override public Summary summary(MeterId id) { return this; }
    @Override public Meter gauge(MeterId id, DoubleSupplier value) { return this; }
    @Override public void increment(long amount) { }
    @Override public void recordNanos(long nanos) { }
    @Override public void record(long amount) { }
    @Override public void remove() { }
}
