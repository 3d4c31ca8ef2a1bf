package io.consensus.transport.netty;

import static io.consensus.transport.netty.NettyTransportConfig.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import io.consensus.transport.netty.TestPki.MemberFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS with a CA and certificates made at test time. */
class MutualTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;
    private static MemberFiles fileA;
    private static MemberFiles fileB;
    private static MemberFiles rogue;

    private final List<NettyTransport> open = new ArrayList<>();

    @BeforeAll
    static void makePki() {
        TestPki pki = TestPki.create(dir);
        List<MemberFiles> signed = pki.signed("a", "b");
        fileA = signed.get(0);
        fileB = signed.get(1);
        rogue = pki.selfSigned("rogue");
    }

    @AfterEach
    void closeAll() {
        open.forEach(NettyTransport::close);
    }

    private NettyTransport start(String self, List<Member> members, MemberFiles files, Collector collector) {
        NettyTransport transport = TestNodes.start(TestNodes.config(self, members, Map.of(TLS_ENABLED, "true",
                TLS_CERT_CHAIN, files.certChain().toString(), TLS_PRIVATE_KEY, files.privateKey().toString(),
                TLS_TRUSTED_CA, files.trustedCa().toString())), collector);
        open.add(transport);
        return transport;
    }

    @Test
    void membersWithCertificatesFromTheCaExchangeEnvelopes() {
        List<Member> members = TestNodes.members("a", "b");
        Collector atA = new Collector();
        Collector atB = new Collector();
        NettyTransport a = start("a", members, fileA, atA);
        NettyTransport b = start("b", members, fileB, atB);
        await().atMost(WAIT).until(() -> a.stats().peers().get("b").connected() && b.stats().peers().get("a").connected());

        for (int i = 0; i < 2_000; i++) {
            a.send(new Envelope("g" + i % 3, "a", "b", Collector.payload(i, 200)));
            b.send(new Envelope("g", "b", "a", Collector.payload(i, 200)));
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(atA.from("g", "b")).isEqualTo(LongStream.range(0, 2_000).boxed().toList());
            assertThat(atB.count()).isEqualTo(2_000);
        });
        assertThat(a.stats().connectionsRefused() + b.stats().connectionsRefused()).isZero();
    }

    @Test
    void aMemberWithASelfSignedCertificateIsRefusedBothWays() {
        List<Member> members = TestNodes.members("a", "rogue");
        Collector atA = new Collector();
        Collector atRogue = new Collector();
        try (LogCapture log = new LogCapture()) {
            NettyTransport a = start("a", members, fileA, atA);
            NettyTransport r = start("rogue", members, rogue, atRogue);
            await().atMost(WAIT).untilAsserted(() -> {
                // a refuses rogue's dial (its client certificate is not from the CA) ...
                assertThat(a.stats().connectionsRefused()).isPositive();
                // ... and a's dial does not accept rogue's server certificate.
                assertThat(log.text()).contains("Closed connection to member rogue@")
                        .contains("TLS handshake failed");
            });
            a.send(new Envelope("g", "a", "rogue", new byte[8]));
            r.send(new Envelope("g", "rogue", "a", new byte[8]));
            assertThat(a.stats().peers().get("rogue").connected()).isFalse();
            assertThat(r.stats().peers().get("a").connected()).isFalse();
            assertThat(atA.count() + atRogue.count()).isZero();
        }
    }

    @Test
    void aPlainTcpPeerIsRefused() {
        List<Member> members = TestNodes.members("a", "b");
        NettyTransport a = start("a", members, fileA, new Collector());
        try (RawConnection raw = RawConnection.to(members.get(0))) {
            raw.send(Wire.frame(new Hello(Wire.VERSION, TestNodes.CLUSTER, "b", "a")));
            assertThat(raw.closedByPeerWithin(WAIT)).isTrue();
        }
        await().atMost(WAIT).until(() -> a.stats().connectionsRefused() == 1);
    }
}
