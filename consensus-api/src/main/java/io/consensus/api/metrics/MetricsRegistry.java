package io.consensus.api.metrics;

import java.util.function.DoubleSupplier;

/**
 * Where the library registers its meters; hand one to {@code Consensus.node(config).metrics(...)}.
 * The default is {@link #NOOP}; {@code consensus-metrics-micrometer} binds it to a Micrometer
 * {@code MeterRegistry}.
 *
 * <p><b>Threads and cost.</b> Registration happens rarely (when a group opens, a peer appears or a
 * membership changes) and may be called from any thread. The meters returned are recorded from hot
 * paths on any thread: they must be thread-safe, must not block or allocate, and must never throw.
 *
 * <p><b>Ownership.</b> The library removes its meters with {@link Meter#remove()} when their group
 * closes or their peer leaves. Registering an id that is already registered (a group reopened)
 * must replace or reuse it, never fail.
 */
public interface MetricsRegistry {

    /** Registers nothing and records nothing. */
    MetricsRegistry NOOP = NoopMeters.REGISTRY;

    /** A counter. */
    Counter counter(MeterId id);

    /** A timer, whose durations should be published as a histogram. */
    Timer timer(MeterId id);

    /** A distribution of sizes in {@code id.baseUnit()}. */
    Summary summary(MeterId id);

    /**
     * A gauge read from {@code value} whenever the registry is read (a scrape), on the reader's
     * thread: it must be cheap, thread-safe and non-blocking. NaN means "no value now".
     */
    Meter gauge(MeterId id, DoubleSupplier value);
}
