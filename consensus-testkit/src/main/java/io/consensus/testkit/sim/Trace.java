package io.consensus.testkit.sim;

import io.consensus.api.spi.Envelope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The run's trace: a 64-bit hash over everything observable (deliveries, applies, role changes,
 * client outcomes, faults), which two runs of one seed must agree on, and a ring of the latest
 * entries, formatted only when a failure is reported.
 */
final class Trace {

    /** One trace entry; {@code detail} is formatted lazily. */
    record Entry(long micros, String member, String kind, Object detail) {}

    private final Entry[] ring;
    private final Function<Envelope, String> describeMessage;
    private final String print = System.getProperty("sim.trace", "");
    private long count;
    private long hash = 0xcbf29ce484222325L;

    Trace(int capacity, Function<Envelope, String> describeMessage) {
        this.ring = new Entry[capacity];
        this.describeMessage = describeMessage;
    }

    /** The hash of everything recorded so far. */
    long hash() {
        return hash;
    }

    void delivered(long micros, Envelope envelope) {
        mix(1);
        mix(micros);
        mix(envelope.from().hashCode());
        mix(envelope.to().hashCode());
        mix(Arrays.hashCode(envelope.payload()));
        add(new Entry(micros, envelope.to(), "recv", envelope));
    }

    void applied(long micros, String member, long index, byte[] command, Function<byte[], String> describe) {
        mix(2);
        mix(micros);
        mix(member.hashCode());
        mix(index);
        mix(Arrays.hashCode(command));
        add(new Entry(micros, member, "apply", new Object() {
            @Override
            public String toString() {
                return index + ": " + describe.apply(command);
            }
        }));
    }

    /** A role change, client outcome, fault or other event, hashed by its text. */
    void event(long micros, String member, String kind, String detail) {
        mix(3);
        mix(micros);
        mix(member == null ? 0 : member.hashCode());
        mix(kind.hashCode());
        mix(detail.hashCode());
        add(new Entry(micros, member, kind, detail));
    }

    private void add(Entry entry) {
        ring[(int) (count % ring.length)] = entry;
        count++;
        if (!print.isEmpty() && (print.equals("all") || !(entry.detail() instanceof Envelope || entry.kind().equals("apply")))) {
            System.out.println(format(entry));
        }
    }

    private void mix(long value) {
        hash ^= value;
        hash *= 0x100000001b3L;
        hash ^= hash >>> 29;
    }

    /** The retained entries between two times, oldest first, formatted; at most {@code max} of the latest. */
    List<String> lines(long fromMicros, long toMicros, int max) {
        return lines(fromMicros, toMicros, max, false);
    }

    /**
     * Like {@link #lines(long, long, int)}, but only faults, heals, role changes and the operator's
     * requests when {@code eventsOnly}.
     */
    List<String> lines(long fromMicros, long toMicros, int max, boolean eventsOnly) {
        List<Entry> selected = new ArrayList<>();
        long first = Math.max(0, count - ring.length);
        for (long i = first; i < count; i++) {
            Entry entry = ring[(int) (i % ring.length)];
            boolean event = entry.kind().equals("fault") || entry.kind().equals("heal") || entry.kind().equals("role")
                    || entry.kind().equals("admin");
            if (entry.micros() >= fromMicros && entry.micros() <= toMicros && (event || !eventsOnly)) {
                selected.add(entry);
            }
        }
        List<String> lines = new ArrayList<>();
        for (Entry entry : selected.subList(Math.max(0, selected.size() - max), selected.size())) {
            lines.add(format(entry));
        }
        return lines;
    }

    private String format(Entry entry) {
        String detail;
        if (entry.detail() instanceof Envelope envelope) {
            detail = "from " + envelope.from() + ": " + describeMessage.apply(envelope);
        } else {
            detail = String.valueOf(entry.detail());
        }
        return String.format("%12.3f ms  %-4s %-8s %s", entry.micros() / 1000.0,
                entry.member() == null ? "" : entry.member(), entry.kind(), detail);
    }
}
