package io.consensus.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import io.consensus.api.spi.Transport.Receiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real transports on loopback sockets. */
class LoopbackClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final List<NettyTransport> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(NettyTransport::close);
    }

    private NettyTransport start(String self, List<Member> members, String cluster, Receiver receiver) {
        NettyTransport transport = TestNodes.start(TestNodes.config(self, members, cluster, Map.of()), receiver);
        open.add(transport);
        return transport;
    }

    private static void awaitConnected(NettyTransport transport, String... peers) {
        await().atMost(WAIT).untilAsserted(() -> {
            for (String peer : peers) {
                assertThat(transport.stats().peers().get(peer).connected()).as("connected to " + peer).isTrue();
            }
        });
    }

    @Test
    void threeMembersExchangeThousandsOfEnvelopesForSeveralGroupsInOrderPerSender() throws Exception {
        List<Member> members = TestNodes.members("a", "b", "c");
        Map<String, NettyTransport> transports = new HashMap<>();
        Map<String, Collector> collectors = new HashMap<>();
        for (Member member : members) {
            collectors.put(member.id(), new Collector());
            transports.put(member.id(), start(member.id(), members, TestNodes.CLUSTER, collectors.get(member.id())));
        }
        transports.forEach((id, t) -> awaitConnected(t, members.stream().map(Member::id).filter(m -> !m.equals(id))
                .toArray(String[]::new)));

        int perGroup = 2_000;
        List<String> groups = List.of("g1", "g2", "g3", "g4");
        List<Thread> senders = new ArrayList<>();
        for (Member from : members) {
            // One thread per sender, as each group's event loop sends on its own thread in the runtime.
            Thread sender = new Thread(() -> {
                for (int i = 0; i < perGroup; i++) {
                    for (String group : groups) {
                        for (Member to : members) {
                            if (!to.equals(from)) {
                                transports.get(from.id()).send(new Envelope(group, from.id(), to.id(),
                                        Collector.payload(i, 100)));
                            }
                        }
                    }
                }
            });
            sender.start();
            senders.add(sender);
        }
        for (Thread sender : senders) {
            sender.join();
        }

        List<Long> expected = LongStream.range(0, perGroup).boxed().toList();
        await().atMost(WAIT).untilAsserted(() -> {
            for (Member to : members) {
                for (Member from : members) {
                    for (String group : groups) {
                        if (!to.equals(from)) {
                            assertThat(collectors.get(to.id()).from(group, from.id())).isEqualTo(expected);
                        }
                    }
                }
            }
        });
        for (NettyTransport transport : transports.values()) {
            TransportStats stats = transport.stats();
            assertThat(stats.envelopesReceived()).isEqualTo(2L * groups.size() * perGroup);
            assertThat(stats.peers().values()).allSatisfy(peer -> {
                assertThat(peer.sentMessages()).isEqualTo((long) groups.size() * perGroup);
                assertThat(peer.droppedMessages()).isZero();
            });
        }
    }

    @Test
    void aPeerThatIsClosedAndRestartedIsReconnected() {
        List<Member> members = TestNodes.members("a", "b");
        Collector atA = new Collector();
        NettyTransport a = start("a", members, TestNodes.CLUSTER, atA);
        NettyTransport b = start("b", members, TestNodes.CLUSTER, new Collector());
        awaitConnected(a, "b");
        awaitConnected(b, "a");

        b.close();
        await().atMost(WAIT).until(() -> !a.stats().peers().get("b").connected());
        a.send(new Envelope("g", "a", "b", Collector.payload(0, 8)));
        assertThat(a.stats().peers().get("b").droppedMessages()).isEqualTo(1);

        Collector atB = new Collector();
        NettyTransport restarted = start("b", members, TestNodes.CLUSTER, atB);
        awaitConnected(a, "b");
        awaitConnected(restarted, "a");
        a.send(new Envelope("g", "a", "b", Collector.payload(1, 8)));
        restarted.send(new Envelope("g", "b", "a", Collector.payload(2, 8)));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(atB.from("g", "a")).containsExactly(1L);
            assertThat(atA.from("g", "b")).containsExactly(2L);
        });
    }

    @Test
    void aMemberOfAnotherClusterIsRefusedAndBothSidesLogTheMismatch() {
        List<Member> members = TestNodes.members("a", "x");
        Collector atA = new Collector();
        Collector atX = new Collector();
        try (LogCapture log = new LogCapture()) {
            NettyTransport a = start("a", members, TestNodes.CLUSTER, atA);
            NettyTransport x = start("x", members, "other-cluster", atX);
            String mismatchAtA = "cluster id 'other-cluster' differs from this node's '" + TestNodes.CLUSTER + "'";
            String mismatchAtX = "cluster id '" + TestNodes.CLUSTER + "' differs from this node's 'other-cluster'";
            await().atMost(WAIT).untilAsserted(() -> {
                // Each side refuses the other's dial, and each dialer logs the refusal it was sent.
                assertThat(log.text()).contains("ERROR AcceptorHandshake - Refused connection from")
                        .contains(mismatchAtA).contains(mismatchAtX)
                        .contains("ERROR DialerHandshake - Member a@").contains("ERROR DialerHandshake - Member x@");
                assertThat(a.stats().connectionsRefused()).isPositive();
                assertThat(x.stats().connectionsRefused()).isPositive();
            });
            x.send(new Envelope("g", "x", "a", new byte[8]));
            a.send(new Envelope("g", "a", "x", new byte[8]));
            assertThat(a.stats().peers().get("x").connected()).isFalse();
            assertThat(x.stats().peers().get("a").connected()).isFalse();
            assertThat(atA.count() + atX.count()).isZero();
        }
    }

    @Test
    void updateMembersDialsNewPeersAndDropsRemovedOnes() {
        List<Member> ab = TestNodes.members("a", "b");
        Member c = TestNodes.members("c").get(0);
        List<Member> abc = List.of(ab.get(0), ab.get(1), c);
        Collector atA = new Collector();
        NettyTransport a = start("a", ab, TestNodes.CLUSTER, atA);
        start("b", abc, TestNodes.CLUSTER, new Collector());
        NettyTransport nodeC = start("c", abc, TestNodes.CLUSTER, new Collector());
        awaitConnected(a, "b");
        assertThat(a.stats().peers()).doesNotContainKey("c");

        a.updateMembers(abc);
        awaitConnected(a, "c");
        awaitConnected(nodeC, "a");
        nodeC.send(new Envelope("g", "c", "a", Collector.payload(7, 8)));
        await().atMost(WAIT).until(() -> atA.from("g", "c").contains(7L));

        a.updateMembers(ab);
        assertThat(a.stats().peers()).containsOnlyKeys("b");
        // c's connection to a was closed and a now refuses c's redials.
        await().atMost(WAIT).until(() -> !nodeC.stats().peers().get("a").connected());
        nodeC.send(new Envelope("g", "c", "a", Collector.payload(8, 8)));
        assertThat(atA.from("g", "c")).containsExactly(7L);
    }

    @Test
    void aReceiverMayCloseItsOwnTransport() {
        List<Member> members = TestNodes.members("a", "b");
        NettyTransport a = start("a", members, TestNodes.CLUSTER, new Collector());
        AtomicReference<NettyTransport> b = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        b.set(start("b", members, TestNodes.CLUSTER, envelope -> {
            try {
                b.get().close(); // on b's I/O thread: must neither block on itself nor throw
            } catch (Throwable t) {
                failure.set(t);
            }
        }));
        awaitConnected(a, "b");
        a.send(new Envelope("g", "a", "b", new byte[8]));
        await().atMost(WAIT).until(() -> !a.stats().peers().get("b").connected());
        assertThat(failure.get()).isNull();
        assertThat(b.get().stats().peers()).isEmpty();
    }

    @Test
    void withOneIoThreadTheTransportOffersItAsTheNodesEventLoopAndDeliversOnIt() throws Exception {
        List<Member> members = TestNodes.members("a", "b");
        NettyTransport twoThreads = NettyTransport.create(TestNodes.config("a", members,
                Map.of(NettyTransportConfig.IO_THREADS, "2")));
        open.add(twoThreads);
        assertThat(twoThreads.eventLoop()).isNull();

        CompletableFuture<Thread> eventLoopThread = new CompletableFuture<>();
        CompletableFuture<Thread> receivedOn = new CompletableFuture<>();
        NettyTransport b = start("b", members, TestNodes.CLUSTER, envelope -> receivedOn.complete(Thread.currentThread()));
        NettyTransport a = start("a", members, TestNodes.CLUSTER, new Collector());
        assertThat(b.eventLoop()).isNotNull();
        b.eventLoop().execute(() -> eventLoopThread.complete(Thread.currentThread()));
        awaitConnected(a, "b");
        // A message sent from the event loop is written there (no hand-off); one received is delivered there.
        a.eventLoop().execute(() -> a.send(new Envelope("g", "a", "b", new byte[8])));
        assertThat(receivedOn.get(10, TimeUnit.SECONDS)).isSameAs(eventLoopThread.get(10, TimeUnit.SECONDS));
    }

    @Test
    void sendNeverThrows() {
        List<Member> members = TestNodes.members("a", "b");
        NettyTransport a = NettyTransport.create(TestNodes.config("a", members, Map.of()));
        open.add(a);
        assertThatCode(() -> {
            a.send(new Envelope("g", "a", "b", new byte[1])); // before start
            a.send(new Envelope("g", "a", "nobody", new byte[1]));
            a.send(new Envelope("g", "a", "a", new byte[1])); // to itself
            a.send(null);
            a.send(new Envelope(null, null, "b", null));
            a.start(new Collector());
            a.send(new Envelope("g", "a", "b", new byte[1])); // b is not running
            a.close();
            a.send(new Envelope("g", "a", "b", new byte[1])); // after close
        }).doesNotThrowAnyException();
        assertThat(a.stats().peers()).isEmpty();
        // nobody, itself, null, after close; the envelope with null fields went to b's (unconnected) peer.
        assertThat(a.stats().unroutableMessages()).isEqualTo(4);
    }
}
