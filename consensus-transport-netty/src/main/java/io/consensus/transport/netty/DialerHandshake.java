package io.consensus.transport.netty;

import io.consensus.api.Member;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dialing side of the handshake: sends this node's {@link Hello} once connected (after TLS, if on),
 * expects the peer's Hello back, checks it names the member dialed, and then hands the channel to
 * {@code onReady} and leaves the pipeline. A {@link Refusal}, a mismatch or silence past the timeout
 * closes the connection; the peer reconnects later.
 */
final class DialerHandshake extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(DialerHandshake.class);

    private final Identity self;
    private final Member peer;
    private final Duration timeout;
    private final Consumer<Channel> onReady;
    private ScheduledFuture<?> deadline;

    DialerHandshake(Identity self, Member peer, Duration timeout, Consumer<Channel> onReady) {
        this.self = self;
        this.peer = peer;
        this.timeout = timeout;
        this.onReady = onReady;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            LOG.warn("Closing connection to member {}: no handshake within {} ms", peer, timeout.toMillis());
            ctx.close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ctx.pipeline().get(SslHandler.class) == null) {
            sendHello(ctx);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent tls) {
            if (tls.isSuccess()) {
                sendHello(ctx);
            } else {
                LOG.error("Closed connection to member {}: TLS handshake failed: {}", peer,
                        Objects.requireNonNullElse(tls.cause().getMessage(), tls.cause().toString()));
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    private void sendHello(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Wire.frame(self.helloTo(peer.id())));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Refusal refusal) {
            LOG.error("Member {} refused the handshake: {}", peer, refusal.reason());
            ctx.close();
            return;
        }
        if (!(msg instanceof Hello hello)) {
            LOG.error("Closed connection to member {}: it answered the handshake with a {}", peer,
                    msg.getClass().getSimpleName());
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        String problem = self.mismatch(hello, peer.id());
        if (problem != null) {
            LOG.error("Closed connection to member {}: {}", peer, problem);
            ctx.close();
            return;
        }
        ctx.channel().attr(Remote.MEMBER_ID).set(peer.id());
        ctx.pipeline().remove(this);
        LOG.info("Connected to member {}", peer);
        onReady.accept(ctx.channel());
    }
}
