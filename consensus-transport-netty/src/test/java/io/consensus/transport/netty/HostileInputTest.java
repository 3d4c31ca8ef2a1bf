package io.consensus.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import io.consensus.transport.netty.WireProto.Frame;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Raw sockets attack member a while its real peer b keeps talking to it. Member c is in the member
 * list but not running, so an attacker can complete a handshake by claiming to be c (plain TCP has no
 * authentication; mutual TLS is what stops that). After every attack a must still serve b, and
 * nothing may escape to Netty's unhandled-exception log.
 */
class HostileInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(500);

    private static List<Member> members;
    private static Member a;
    private static Collector atA;
    private static NettyTransport nodeA;
    private static NettyTransport nodeB;
    private static LogCapture log;
    private static final AtomicLong sequence = new AtomicLong();

    @BeforeAll
    static void startMembers() {
        log = new LogCapture();
        members = TestNodes.members("a", "b", "c");
        a = members.get(0);
        atA = new Collector();
        Map<String, String> transport = Map.of(NettyTransportConfig.HANDSHAKE_TIMEOUT_MS,
                String.valueOf(HANDSHAKE_TIMEOUT.toMillis()));
        nodeA = TestNodes.start(TestNodes.config("a", members, transport), atA);
        nodeB = TestNodes.start(TestNodes.config("b", members, transport), new Collector());
    }

    @AfterAll
    static void stopMembers() {
        nodeA.close();
        nodeB.close();
        log.close();
    }

    @AfterEach
    void aStillServesItsRealPeerAndNothingEscaped() {
        long next = sequence.incrementAndGet();
        await().atMost(WAIT).untilAsserted(() -> {
            nodeB.send(new Envelope("g", "b", "a", Collector.payload(next, 8)));
            assertThat(atA.from("g", "b")).contains(next);
        });
        assertThat(log.text()).doesNotContain("reached at the tail of the pipeline")
                .doesNotContain("OutOfMemoryError").doesNotContain("Exception in thread");
        long directBytes = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
        assertThat(directBytes).as("direct memory held by Netty").isLessThan(64L << 20);
    }

    @Test
    void randomBytesCloseTheConnection() {
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            byte[] garbage = new byte[1 + random.nextInt(64 << 10)];
            random.nextBytes(garbage);
            try (RawConnection raw = RawConnection.to(a)) {
                raw.send(garbage);
                assertThat(raw.closedByPeerWithin(WAIT)).as("closed after garbage #" + i).isTrue();
            }
        }
    }

    @Test
    void theLargestLengthPrefixClosesTheConnectionBeforeAndAfterTheHandshake() {
        byte[] prefix = ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array();
        try (RawConnection raw = RawConnection.to(a)) {
            raw.send(prefix);
            assertThat(raw.closedByPeerWithin(WAIT)).isTrue();
        }
        long errors = nodeA.stats().protocolErrors();
        try (RawConnection raw = RawConnection.to(a)) {
            assertThat(raw.hello(TestNodes.CLUSTER, "c", "a")).isInstanceOf(Hello.class);
            raw.send(prefix);
            assertThat(raw.closedByPeerWithin(WAIT)).isTrue();
        }
        assertThat(nodeA.stats().protocolErrors()).isEqualTo(errors + 1);
    }

    @Test
    void truncatedFramesAreDiscarded() {
        byte[] hello = RawConnection.bytes(Wire.frame(new Hello(Wire.VERSION, TestNodes.CLUSTER, "c", "a")));
        try (RawConnection raw = RawConnection.to(a)) {
            // Half a handshake, then silence: the handshake timeout ends it.
            raw.send(Arrays.copyOf(hello, hello.length / 2));
            assertThat(raw.closedByPeerWithin(WAIT)).isTrue();
        }
        byte[] envelope = RawConnection.bytes(Wire.frame(new Envelope("g", "c", "a", new byte[100_000])));
        long received = nodeA.stats().envelopesReceived();
        try (RawConnection raw = RawConnection.to(a)) {
            raw.hello(TestNodes.CLUSTER, "c", "a");
            // Half an envelope, then the socket closes: nothing is delivered.
            raw.send(Arrays.copyOf(envelope, envelope.length / 2));
        }
        assertThat(nodeA.stats().envelopesReceived()).isEqualTo(received);
    }

    @Test
    void aHandshakeWithTheWrongClusterIdIsRefusedWithTheReason() {
        try (RawConnection raw = RawConnection.to(a)) {
            Object answer = raw.hello("another-cluster", "c", "a");
            assertThat(answer).isInstanceOfSatisfying(Refusal.class, refusal -> assertThat(refusal.reason())
                    .isEqualTo("cluster id 'another-cluster' differs from this node's '" + TestNodes.CLUSTER + "'"));
            assertThat(raw.closedByPeerWithin(WAIT)).isTrue();
        }
        assertThat(log.text()).contains("Refused connection from").contains("cluster id 'another-cluster' differs");
    }

    @Test
    void validFramesFromTheWrongSenderAreDropped() {
        long rejected = nodeA.stats().envelopesRejected();
        try (RawConnection raw = RawConnection.to(a)) {
            raw.hello(TestNodes.CLUSTER, "c", "a");
            // Authenticated as c, it claims to be b: a member may speak only for itself.
            for (int i = 0; i < 100; i++) {
                raw.send(Wire.frame(new Envelope("g", "b", "a", Collector.payload(-1, 8))));
            }
            await().atMost(WAIT).until(() -> nodeA.stats().envelopesRejected() == rejected + 100);
        }
        assertThat(atA.from("g", "b")).doesNotContain(-1L);
    }

    @Test
    void aFloodToAnUnknownGroupIsDeliveredForTheRuntimeToDropWhileRealTrafficFlows() {
        // The transport serves every group of the node and does not know which exist: it delivers,
        // and the runtime drops envelopes for groups it does not host.
        int flood = 20_000;
        byte[] frame = RawConnection.bytes(Wire.frame(new Envelope("no-such-group", "c", "a", new byte[1024])));
        byte[] batch = new byte[frame.length * 100];
        for (int i = 0; i < 100; i++) {
            System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
        }
        try (RawConnection raw = RawConnection.to(a)) {
            raw.hello(TestNodes.CLUSTER, "c", "a");
            for (int i = 0; i < flood / 100; i++) {
                raw.send(batch);
                if (i % 20 == 0) {
                    nodeB.send(new Envelope("g", "b", "a", Collector.payload(sequence.incrementAndGet(), 8)));
                }
            }
            await().atMost(WAIT).until(() -> atA.from("no-such-group", "c").size() == flood);
        }
        assertThat(atA.from("g", "b")).contains(sequence.get());
    }

    @Test
    void manySilentConnectionsAreClosedByTheHandshakeTimeout() {
        long refused = nodeA.stats().connectionsRefused();
        List<RawConnection> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                silent.add(RawConnection.to(a));
            }
            for (RawConnection raw : silent) {
                assertThat(raw.closedByPeerWithin(WAIT)).isTrue();
            }
        } finally {
            silent.forEach(RawConnection::close);
        }
        assertThat(nodeA.stats().connectionsRefused()).isGreaterThanOrEqualTo(refused + 100);
    }

    @Test
    void aFrameAfterTheHandshakeThatIsNotAnEnvelopeClosesTheConnection() {
        try (RawConnection raw = RawConnection.to(a)) {
            raw.hello(TestNodes.CLUSTER, "c", "a");
            raw.send(Frame.newBuilder().build());
            assertThat(raw.closedByPeerWithin(WAIT)).isTrue();
        }
    }
}
