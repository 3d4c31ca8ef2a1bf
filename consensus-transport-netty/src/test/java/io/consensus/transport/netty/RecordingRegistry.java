package io.consensus.transport.netty;

import io.consensus.api.metrics.Counter;
import io.consensus.api.metrics.Meter;
import io.consensus.api.metrics.MeterId;
import io.consensus.api.metrics.MetricsRegistry;
import io.consensus.api.metrics.Summary;
import io.consensus.api.metrics.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/** A registry that keeps counters by name and tags, and forgets removed ones, for assertions. */
final class RecordingRegistry implements MetricsRegistry {

    private final Map<MeterId, LongAdder> counters = new ConcurrentHashMap<>();

    /** The count of the counter {@code name} with these tags, or null if none is registered. */
    Long count(String name, Map<String, String> tags) {
        return counters.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().tags().equals(tags))
                .map(e -> e.getValue().sum()).findFirst().orElse(null);
    }

    @Override
    public Counter counter(MeterId id) {
        LongAdder adder = counters.computeIfAbsent(id, key -> new LongAdder());
        return new Counter() {
            @Override
            public void increment(long amount) {
                adder.add(amount);
            }

            @Override
            public void remove() {
                counters.remove(id, adder);
            }
        };
    }

    @Override
    public Timer timer(MeterId id) {
        throw new UnsupportedOperationException("the transport registers counters only");
    }

    @Override
    public Summary summary(MeterId id) {
        throw new UnsupportedOperationException("the transport registers counters only");
    }

    @Override
    public Meter gauge(MeterId id, DoubleSupplier value) {
        throw new UnsupportedOperationException("the transport registers counters only");
    }
}
