package io.consensus.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A peer that stops reading costs a bounded queue and dropped, counted messages, never memory. */
class BackpressureTest {

    private static final int PAYLOAD_BYTES = 64 << 10;
    private static final int HIGH_WATERMARK = 1 << 20;

    @Test
    void messagesToAPeerThatStopsReadingAreDroppedAndCountedUntilItReadsAgain() throws IOException {
        List<Member> members = TestNodes.members("a", "b");
        Member b = members.get(1);
        try (ServerSocket fakeB = new ServerSocket()) {
            fakeB.bind(new InetSocketAddress(b.host(), b.port()));
            NettyTransport a = TestNodes.start(TestNodes.config("a", members, Map.of(
                    NettyTransportConfig.WRITE_BUFFER_LOW_BYTES, String.valueOf(HIGH_WATERMARK / 2),
                    NettyTransportConfig.WRITE_BUFFER_HIGH_BYTES, String.valueOf(HIGH_WATERMARK))), new Collector());
            try (a; RawConnection stalled = new RawConnection(fakeB.accept())) {
                assertThat(stalled.read()).isEqualTo(new Hello(Wire.VERSION, TestNodes.CLUSTER, "a", "b"));
                stalled.send(Wire.frame(new Hello(Wire.VERSION, TestNodes.CLUSTER, "b", "a")));
                await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().peers().get("b").connected());

                // 256 MiB offered to a peer that reads nothing.
                byte[] payload = new byte[PAYLOAD_BYTES];
                for (int i = 0; i < 4096; i++) {
                    a.send(new Envelope("g", "a", "b", payload));
                }
                PeerStats stalledStats = a.stats().peers().get("b");
                assertThat(stalledStats.droppedMessages()).isPositive();
                assertThat(stalledStats.sentMessages() + stalledStats.droppedMessages()).isEqualTo(4096);
                // Queued: at most the high watermark, plus what the kernel's socket buffers took.
                assertThat(stalledStats.sentMessages() * PAYLOAD_BYTES).isLessThan(64L << 20);

                Thread reader = new Thread(stalled::drain);
                reader.start();
                // Once b reads again the queue drains below the low watermark and sends succeed.
                long sentBefore = stalledStats.sentMessages();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    a.send(new Envelope("g", "a", "b", payload));
                    return a.stats().peers().get("b").sentMessages() > sentBefore;
                });
            }
        }
    }

    @Test
    void anEnvelopeOverTheFrameLimitIsDroppedAndCounted() {
        List<Member> members = TestNodes.members("a", "b");
        Collector atB = new Collector();
        try (NettyTransport a = TestNodes.start(TestNodes.config("a", members, Map.of()), new Collector());
                NettyTransport b = TestNodes.start(TestNodes.config("b", members, Map.of()), atB)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().peers().get("b").connected());
            int limit = 16 << 20; // ConsensusConfig's default frame limit
            a.send(new Envelope("g", "a", "b", new byte[limit]));
            a.send(new Envelope("g", "a", "b", Collector.payload(1, limit - 100)));
            await().atMost(Duration.ofSeconds(10)).until(() -> atB.count() == 1);
            assertThat(atB.from("g", "a")).containsExactly(1L);
            assertThat(a.stats().peers().get("b").droppedMessages()).isEqualTo(1);
            assertThat(b.stats().protocolErrors()).isZero();
        }
    }
}
