package io.consensus.transport.netty;

import static io.consensus.transport.netty.FrameCodecTest.encode;
import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Both sides of the handshake and the checks after it, on the real pipelines without sockets. */
class HandshakeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Counters counters = new Counters();
    private final List<Envelope> delivered = new ArrayList<>();
    private final Pipelines pipelines = new Pipelines(new Identity("c1", "a"), Set.of("a", "b", "c")::contains,
            1 << 20, TIMEOUT, Optional.empty(), counters);

    private EmbeddedChannel acceptor() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(pipelines.acceptor(delivered::add, ConcurrentHashMap.newKeySet(), id -> PeerMeters.NOOP));
        return channel;
    }

    /** The frame the channel wrote, parsed back. */
    private static Object written(EmbeddedChannel channel) {
        ByteBuf bytes = channel.readOutbound();
        EmbeddedChannel parser = new EmbeddedChannel(new FrameDecoder(), new FrameParser());
        parser.writeInbound(bytes);
        return parser.readInbound();
    }

    @Test
    void acceptorAnswersAValidHelloAndThenDeliversEnvelopes() {
        EmbeddedChannel channel = acceptor();
        channel.writeInbound(encode(Wire.frame(new Hello(Wire.VERSION, "c1", "b", "a"))));

        assertThat(written(channel)).isEqualTo(new Hello(Wire.VERSION, "c1", "a", "b"));
        assertThat(channel.attr(Remote.MEMBER_ID).get()).isEqualTo("b");
        channel.writeInbound(encode(Wire.frame(new Envelope("g", "b", "a", new byte[100_000]))));
        assertThat(delivered).singleElement().satisfies(e -> assertThat(e.payload()).hasSize(100_000));
        assertThat(counters.envelopesReceived.sum()).isEqualTo(1);
        assertThat(channel.isOpen()).isTrue();
    }

    private void assertRefused(Hello hello, String reason) {
        EmbeddedChannel channel = acceptor();
        channel.writeInbound(encode(Wire.frame(hello)));
        assertThat(written(channel)).isInstanceOfSatisfying(Refusal.class,
                refusal -> assertThat(refusal.reason()).contains(reason));
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.connectionsRefused.sum()).isEqualTo(1);
    }

    @Test
    void acceptorRefusesAnotherCluster() {
        assertRefused(new Hello(Wire.VERSION, "c2", "b", "a"), "cluster id 'c2' differs from this node's 'c1'");
    }

    @Test
    void acceptorRefusesAnotherWireVersion() {
        assertRefused(new Hello(Wire.VERSION + 1, "c1", "b", "a"), "wire version 2 differs from this node's 1");
    }

    @Test
    void acceptorRefusesAMemberNotInItsList() {
        assertRefused(new Hello(Wire.VERSION, "c1", "x", "a"), "member 'x' is not in this node's member list");
    }

    @Test
    void acceptorRefusesAHelloMeantForAnotherMember() {
        assertRefused(new Hello(Wire.VERSION, "c1", "b", "c"), "it expected member 'c' but this is member 'a'");
    }

    @Test
    void acceptorRefusesItsOwnId() {
        assertRefused(new Hello(Wire.VERSION, "c1", "a", "a"), "claims this node's own member id 'a'");
    }

    @Test
    void acceptorRefusesAnEnvelopeBeforeTheHandshake() {
        EmbeddedChannel channel = acceptor();
        channel.writeInbound(encode(Wire.frame(new Envelope("g", "b", "a", new byte[1]))));
        assertThat(written(channel)).isInstanceOf(Refusal.class);
        assertThat(channel.isOpen()).isFalse();
        assertThat(delivered).isEmpty();
    }

    @Test
    void acceptorClosesAConnectionThatNeverSaysHello() {
        EmbeddedChannel channel = acceptor();
        channel.advanceTimeBy(TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.connectionsRefused.sum()).isEqualTo(1);
    }

    @Test
    void envelopesNotFromTheAuthenticatedMemberOrNotToThisNodeAreDropped() {
        EmbeddedChannel channel = acceptor();
        channel.writeInbound(encode(Wire.frame(new Hello(Wire.VERSION, "c1", "b", "a"))));
        channel.writeInbound(encode(Wire.frame(new Envelope("g", "c", "a", new byte[1]))));
        channel.writeInbound(encode(Wire.frame(new Envelope("g", "b", "c", new byte[1]))));
        channel.writeInbound(encode(Wire.frame(new Envelope("g", "b", "a", new byte[1]))));
        assertThat(delivered).singleElement().satisfies(e -> assertThat(e.from()).isEqualTo("b"));
        assertThat(counters.envelopesRejected.sum()).isEqualTo(2);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aSecondHelloAfterTheHandshakeClosesTheConnection() {
        EmbeddedChannel channel = acceptor();
        channel.writeInbound(encode(Wire.frame(new Hello(Wire.VERSION, "c1", "b", "a"))));
        channel.writeInbound(encode(Wire.frame(new Hello(Wire.VERSION, "c1", "b", "a"))));
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.protocolErrors.sum()).isEqualTo(1);
    }

    @Test
    void aReceiverThatThrowsDoesNotCostTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.pipeline().addLast(pipelines.acceptor(e -> {
            throw new IllegalStateException("boom");
        }, ConcurrentHashMap.newKeySet(), id -> PeerMeters.NOOP));
        channel.writeInbound(encode(Wire.frame(new Hello(Wire.VERSION, "c1", "b", "a"))));
        channel.writeInbound(encode(Wire.frame(new Envelope("g", "b", "a", new byte[1]))));
        assertThat(channel.isOpen()).isTrue();
    }

    private final List<Channel> ready = new ArrayList<>();

    private EmbeddedChannel dialer() {
        // Installed before the channel becomes active, as when a real connection is dialed.
        return new EmbeddedChannel(pipelines.dialer(new Member("b", "127.0.0.1", 1), ready::add));
    }

    @Test
    void dialerSaysHelloAndIsReadyWhenThePeerAnswers() {
        EmbeddedChannel channel = dialer();
        assertThat(written(channel)).isEqualTo(new Hello(Wire.VERSION, "c1", "a", "b"));
        assertThat(ready).isEmpty();
        channel.writeInbound(encode(Wire.frame(new Hello(Wire.VERSION, "c1", "b", "a"))));
        assertThat(ready).containsExactly(channel);
    }

    @Test
    void dialerClosesWhenThePeerNeverAnswers() {
        EmbeddedChannel channel = dialer();
        channel.freezeTime();
        channel.advanceTimeBy(TIMEOUT.toMillis() + 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(ready).isEmpty();
    }

    @Test
    void dialerClosesWhenRefused() {
        EmbeddedChannel channel = dialer();
        channel.writeInbound(encode(Wire.frame(new Refusal("cluster id mismatch"))));
        assertThat(channel.isOpen()).isFalse();
        assertThat(ready).isEmpty();
    }

    @Test
    void dialerClosesWhenAnotherMemberAnswers() {
        EmbeddedChannel channel = dialer();
        channel.writeInbound(encode(Wire.frame(new Hello(Wire.VERSION, "c1", "c", "a"))));
        assertThat(channel.isOpen()).isFalse();
        assertThat(ready).isEmpty();
    }

    @Test
    void dialerClosesWhenThePeerIsInAnotherCluster() {
        EmbeddedChannel channel = dialer();
        channel.writeInbound(encode(Wire.frame(new Hello(Wire.VERSION, "c2", "b", "a"))));
        assertThat(channel.isOpen()).isFalse();
        assertThat(ready).isEmpty();
    }

    @Test
    void dialerClosesAFrameSentAfterTheHandshake() {
        EmbeddedChannel channel = dialer();
        channel.writeInbound(encode(Wire.frame(new Hello(Wire.VERSION, "c1", "b", "a"))));
        channel.writeInbound(encode(Wire.frame(new Envelope("g", "b", "a", new byte[1]))));
        assertThat(channel.isOpen()).isFalse();
    }
}
