package io.consensus.core.runtime;

import io.consensus.api.metrics.Counter;
import io.consensus.api.metrics.Meter;
import io.consensus.api.metrics.MeterId;
import io.consensus.api.metrics.MetricsRegistry;
import io.consensus.api.metrics.Summary;
import io.consensus.api.metrics.Timer;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/** A registry that keeps what is recorded, by meter id, and forgets removed meters: for assertions. */
final class RecordingMetrics implements MetricsRegistry {

    /** What a counter, timer or summary recorded: how many times, and the sum. */
    static final class Recorded implements Counter, Timer, Summary {
        private final LongAdder count = new LongAdder();
        private final LongAdder total = new LongAdder();
        private final Runnable onRemove;

        Recorded(Runnable onRemove) {
            this.onRemove = onRemove;
        }

        long count() {
            return count.sum();
        }

        long total() {
            return total.sum();
        }

        @Override public void increment(long amount) { count.increment(); total.add(amount); }
        @Override public void recordNanos(long nanos) { count.increment(); total.add(nanos); }
        @Override public void record(long amount) { count.increment(); total.add(amount); }
        @Override public void remove() { onRemove.run(); }
    }

    private final Map<MeterId, Object> meters = new ConcurrentHashMap<>();

    /** The registered ids. */
    Set<MeterId> ids() {
        return Set.copyOf(meters.keySet());
    }

    /** The counter, timer or summary {@code name} whose tags include {@code tags}. */
    Recorded recorded(String name, Map<String, String> tags) {
        return (Recorded) find(name, tags);
    }

    /** The current value of the gauge {@code name} whose tags include {@code tags}. */
    double gauge(String name, Map<String, String> tags) {
        return ((DoubleSupplier) find(name, tags)).getAsDouble();
    }

    private Object find(String name, Map<String, String> tags) {
        return meters.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().tags().entrySet().containsAll(tags.entrySet()))
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no meter " + name + " with tags " + tags + " in " + ids()));
    }

    private Recorded recording(MeterId id) {
        Recorded recorded = new Recorded(() -> meters.remove(id));
        meters.put(id, recorded);
        return recorded;
    }

    @Override public Counter counter(MeterId id) { return recording(id); }
    @Override public Timer timer(MeterId id) { return recording(id); }
    @Override public Summary summary(MeterId id) { return recording(id); }

    @Override
    public Meter gauge(MeterId id, DoubleSupplier value) {
        meters.put(id, value);
        return () -> meters.remove(id, value);
    }
}
