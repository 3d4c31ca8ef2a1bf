package io.consensus.transport.netty;

import io.consensus.api.Member;
import io.consensus.api.spi.Transport.Receiver;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Builds the pipeline of every connection. Inbound bytes pass, in order:
 *
 * <pre>
 *   [tls] → frame-decoder → frame-parser → handshake (then dispatcher, on accepted connections) → guard
 * </pre>
 *
 * and outbound {@link WireProto.Frame}s pass frame-encoder, then, on dialed connections, flush-batcher
 * (then tls). Each handler has one job; the guard at the end logs and closes on anything the others
 * did not handle.
 *
 * @param self             this node's handshake identity
 * @param isMember         whether a member id may connect
 * @param maxFrameBytes    the frame limit once authenticated
 * @param handshakeTimeout how long TLS plus the handshake may take
 * @param tls              the TLS contexts, or empty for plain TCP
 * @param counters         the node's counters
 */
record Pipelines(Identity self, Predicate<String> isMember, int maxFrameBytes, Duration handshakeTimeout,
        Optional<TlsContexts> tls, Counters counters) {

    private static final FrameEncoder ENCODER = new FrameEncoder();
    private static final FrameParser PARSER = new FrameParser();
    private static final int FLUSH_BATCH = 256;

    /**
     * For connections this node accepts: they deliver envelopes to {@code receiver}, count them on
     * the authenticated member's {@code meters}, and are kept in {@code accepted} while open so that
     * closing the node or removing a member can close them.
     */
    ChannelInitializer<Channel> acceptor(Receiver receiver, Set<Channel> accepted, Function<String, PeerMeters> meters) {
        ConnectionGuard guard = new ConnectionGuard(counters);
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                accepted.add(channel);
                channel.closeFuture().addListener(f -> accepted.remove(channel));
                ChannelPipeline p = channel.pipeline();
                tls.ifPresent(contexts -> p.addLast("tls", contexts.server().newHandler(channel.alloc())));
                addCodec(p);
                p.addLast("handshake", new AcceptorHandshake(self, isMember, maxFrameBytes, handshakeTimeout,
                        member -> new InboundDispatcher(self.memberId(), member, receiver, counters, meters.apply(member)),
                        counters));
                p.addLast("guard", guard);
            }
        };
    }

    /** For the connection this node dials to {@code peer}: {@code onReady} gets it after the handshake. */
    ChannelInitializer<Channel> dialer(Member peer, Consumer<Channel> onReady) {
        ConnectionGuard guard = new ConnectionGuard(counters);
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                ChannelPipeline p = channel.pipeline();
                // Host and port let the TLS engine check the peer's certificate names the host dialed.
                tls.ifPresent(contexts -> p.addLast("tls",
                        contexts.client().newHandler(channel.alloc(), peer.host(), peer.port())));
                // Every send is a writeAndFlush from some other thread. The batcher turns the flushes
                // of all writes queued in one event-loop turn into one (and flushes at the latest every
                // FLUSH_BATCH writes); it decides on the loop itself, so no write is left unflushed.
                p.addLast("flush-batcher", new FlushConsolidationHandler(FLUSH_BATCH, true));
                addCodec(p);
                p.addLast("handshake", new DialerHandshake(self, peer, handshakeTimeout, onReady));
                p.addLast("guard", guard);
            }
        };
    }

    private static void addCodec(ChannelPipeline p) {
        p.addLast("frame-decoder", new FrameDecoder());
        p.addLast("frame-encoder", ENCODER);
        p.addLast("frame-parser", PARSER);
    }
}
