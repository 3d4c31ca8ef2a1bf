package io.consensus.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-peer traffic is counted on the node's registry, and a peer's meters leave with it. */
class TransportMetricsTest {

    private static final int MESSAGES = 100;
    private static final int PAYLOAD_BYTES = 32;

    @Test
    void messagesAndBytesAreCountedPerPeerOnBothSidesAndDropsWhileDisconnected() {
        List<Member> members = TestNodes.members("a", "b", "c");
        RecordingRegistry registryA = new RecordingRegistry();
        RecordingRegistry registryB = new RecordingRegistry();
        NettyTransport a = NettyTransport.create(TestNodes.config("a", members, Map.of()));
        NettyTransport b = NettyTransport.create(TestNodes.config("b", members, Map.of()));
        a.bindMetrics(registryA);
        b.bindMetrics(registryB);
        Collector atB = new Collector();
        a.start(new Collector());
        b.start(atB);
        try (a; b) {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.stats().peers().get("b").connected());
            for (int i = 0; i < MESSAGES; i++) {
                a.send(new Envelope("g", "a", "b", Collector.payload(i, PAYLOAD_BYTES)));
            }
            // c never starts: everything sent to it is dropped.
            a.send(new Envelope("g", "a", "c", new byte[PAYLOAD_BYTES]));

            await().atMost(Duration.ofSeconds(10)).until(() -> atB.count() == MESSAGES);
            Map<String, String> aToB = Map.of("member", "a", "peer", "b");
            Map<String, String> bFromA = Map.of("member", "b", "peer", "a");
            assertThat(registryA.count("consensus.transport.sent.messages", aToB)).isEqualTo(MESSAGES);
            assertThat(registryA.count("consensus.transport.sent.bytes", aToB)).isEqualTo((long) MESSAGES * PAYLOAD_BYTES);
            assertThat(registryA.count("consensus.transport.dropped.messages", aToB)).isZero();
            assertThat(registryA.count("consensus.transport.dropped.messages", Map.of("member", "a", "peer", "c"))).isEqualTo(1);
            assertThat(registryB.count("consensus.transport.received.messages", bFromA)).isEqualTo(MESSAGES);
            assertThat(registryB.count("consensus.transport.received.bytes", bFromA)).isEqualTo((long) MESSAGES * PAYLOAD_BYTES);

            a.updateMembers(members.subList(0, 2));
            assertThat(registryA.count("consensus.transport.dropped.messages", Map.of("member", "a", "peer", "c"))).isNull();
        }
    }
}
