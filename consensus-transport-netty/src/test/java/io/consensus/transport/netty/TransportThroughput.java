package io.consensus.transport.netty;

import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;

/**
 * Raw one-way throughput between two transports on loopback: messages/s with 128-byte payloads and
 * MB/s with 1 MiB payloads. Not a test; run it by hand:
 *
 * <pre>
 *   java -cp "$(cat target/test-classpath):target/classes:target/test-classes" \
 *       io.consensus.transport.netty.TransportThroughput [seconds]
 * </pre>
 *
 * The sender keeps a bounded window of unreceived messages, as a protocol's in-flight window would, so
 * the numbers measure delivery rather than how fast a full queue drops.
 */
public final class TransportThroughput {

    private TransportThroughput() {}

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<Member> members = TestNodes.members("a", "b");
        AtomicLong received = new AtomicLong();
        try (NettyTransport a = NettyTransport.create(TestNodes.config("a", members, Map.of(
                        NettyTransportConfig.IO_THREADS, "2")));
                NettyTransport b = NettyTransport.create(TestNodes.config("b", members, Map.of(
                        NettyTransportConfig.IO_THREADS, "2")))) {
            a.start(envelope -> { });
            b.start(envelope -> received.incrementAndGet());
            Awaitility.await().until(() -> a.stats().peers().get("b").connected());

            run(a, received, 128, 20_000, 1, "warm-up");
            Result small = run(a, received, 128, 20_000, seconds, "128 B");
            run(a, received, 1 << 20, 4, 1, "warm-up");
            Result large = run(a, received, 1 << 20, 4, seconds, "1 MiB");
            System.out.printf("128 B payloads: %,.0f messages/s (%d dropped)%n", small.messagesPerSecond(), small.dropped());
            System.out.printf("1 MiB payloads: %,.0f MB/s (%,.0f messages/s, %d dropped)%n",
                    large.messagesPerSecond() * (1 << 20) / 1e6, large.messagesPerSecond(), large.dropped());
        }
    }

    private record Result(double messagesPerSecond, long dropped) {}

    private static Result run(NettyTransport a, AtomicLong received, int payloadBytes, int window, int seconds,
            String label) {
        byte[] payload = new byte[payloadBytes];
        long droppedBefore = a.stats().peers().get("b").droppedMessages();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long receivedAtStart = received.get();
        long sent = 0;
        while (System.nanoTime() < end) {
            if (sent - (received.get() - receivedAtStart) < window) {
                a.send(new Envelope("bench", "a", "b", payload));
                sent++;
            } else {
                Thread.onSpinWait();
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long delivered = received.get() - receivedAtStart;
        // Let the window drain so the next run starts empty.
        long target = receivedAtStart + sent - (a.stats().peers().get("b").droppedMessages() - droppedBefore);
        Awaitility.await().until(() -> received.get() >= target);
        return new Result(delivered / elapsed, a.stats().peers().get("b").droppedMessages() - droppedBefore);
    }
}
