package io.consensus.transport.netty;

import io.consensus.api.spi.Envelope;
import io.consensus.api.spi.Transport.Receiver;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A receiver that records, per group and sender, the sequence numbers found in the first 8 bytes of
 * each payload (or -1 for shorter payloads), so tests can check completeness and per-sender order.
 */
final class Collector implements Receiver {

    private final Map<String, List<Long>> sequences = new ConcurrentHashMap<>();
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    @Override
    public void receive(Envelope envelope) {
        long sequence = envelope.payload().length >= 8 ? ByteBuffer.wrap(envelope.payload()).getLong() : -1;
        sequences.computeIfAbsent(envelope.groupId() + "/" + envelope.from(), k -> new CopyOnWriteArrayList<>())
                .add(sequence);
        count.incrementAndGet();
        bytes.addAndGet(envelope.payload().length);
    }

    /** Sequence numbers received for {@code group} from {@code from}, in arrival order. */
    List<Long> from(String group, String from) {
        return sequences.getOrDefault(group + "/" + from, List.of());
    }

    long count() {
        return count.get();
    }

    long bytes() {
        return bytes.get();
    }

    static byte[] payload(long sequence, int size) {
        return ByteBuffer.allocate(Math.max(size, 8)).putLong(sequence).array();
    }
}
