package io.consensus.metrics.micrometer;

import io.consensus.api.metrics.Counter;
import io.consensus.api.metrics.Meter;
import io.consensus.api.metrics.MeterId;
import io.consensus.api.metrics.MetricsRegistry;
import io.consensus.api.metrics.Summary;
import io.consensus.api.metrics.Timer;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The library's meters on a Micrometer {@link MeterRegistry}: each {@link MeterId} becomes a
 * Micrometer meter of the same name, description, base unit and tags ({@code group}, {@code member},
 * {@code peer}...). Timers publish a histogram (1 µs to 30 s), so latency percentiles can be
 * aggregated across members, e.g. as Prometheus {@code _bucket} series.
 *
 * <pre>{@code
 * PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * ConsensusGroup group = Consensus.group(config).stateMachine(sm)
 *         .metrics(new MicrometerMetrics(prometheus)).build();
 * }</pre>
 *
 * <p>Thread-safe. Meters are removed from the registry when the library removes them (a group
 * closes, a peer leaves). A counter, timer or summary registered twice under one id is one
 * Micrometer meter, as Micrometer does; a gauge registered again replaces the earlier one.
 */
public final class MicrometerMetrics implements MetricsRegistry {

    private static final Duration TIMER_MIN = Duration.ofNanos(1_000);
    private static final Duration TIMER_MAX = Duration.ofSeconds(30);

    private final MeterRegistry registry;

    /** Registers on {@code registry}, which the caller owns. */
    public MicrometerMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public Counter counter(MeterId id) {
        io.micrometer.core.instrument.Counter counter = io.micrometer.core.instrument.Counter.builder(id.name())
                .description(id.description()).baseUnit(id.baseUnit()).tags(tags(id)).register(registry);
        return new Counter() {
            @Override
            public void increment(long amount) {
                counter.increment(amount);
            }

            @Override
            public void remove() {
                removeIfCurrent(counter);
            }
        };
    }

    @Override
    public Timer timer(MeterId id) {
        io.micrometer.core.instrument.Timer timer = io.micrometer.core.instrument.Timer.builder(id.name())
                .description(id.description()).tags(tags(id))
                .publishPercentileHistogram().minimumExpectedValue(TIMER_MIN).maximumExpectedValue(TIMER_MAX)
                .register(registry);
        return new Timer() {
            @Override
            public void recordNanos(long nanos) {
                timer.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void remove() {
                removeIfCurrent(timer);
            }
        };
    }

    @Override
    public Summary summary(MeterId id) {
        DistributionSummary summary = DistributionSummary.builder(id.name())
                .description(id.description()).baseUnit(id.baseUnit()).tags(tags(id)).register(registry);
        return new Summary() {
            @Override
            public void record(long amount) {
                summary.record(amount);
            }

            @Override
            public void remove() {
                removeIfCurrent(summary);
            }
        };
    }

    @Override
    public Meter gauge(MeterId id, DoubleSupplier value) {
        // Micrometer keeps the first gauge registered under an id and ignores later suppliers; a
        // reopened group must report its own state, so an earlier gauge is replaced.
        registry.find(id.name()).tags(tags(id)).gauges().stream()
                .filter(previous -> previous.getId().getTags().size() == id.tags().size())
                .forEach(registry::remove);
        // A strong reference: the supplier is a lambda nothing else holds, which a weak one would lose.
        Gauge gauge = Gauge.builder(id.name(), value, DoubleSupplier::getAsDouble).strongReference(true)
                .description(id.description()).baseUnit(id.baseUnit()).tags(tags(id)).register(registry);
        return () -> removeIfCurrent(gauge);
    }

    /**
     * Removes {@code meter} if it is still the one registered under its id. Micrometer removes by id,
     * and an id may have been registered again since (a gauge replaced when its group reopened).
     */
    private void removeIfCurrent(io.micrometer.core.instrument.Meter meter) {
        registry.find(meter.getId().getName()).tags(meter.getId().getTagsAsIterable()).meters().stream()
                .filter(current -> current == meter)
                .findFirst()
                .ifPresent(registry::remove);
    }

    private static Tags tags(MeterId id) {
        return Tags.of(id.tags().entrySet().stream().map(e -> Tag.of(e.getKey(), e.getValue())).toList());
    }
}
