package io.consensus.transport.netty;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accepting side of the handshake. The first frame must be a {@link Hello} from a listed member of
 * this cluster, speaking this wire version and addressed to this member; then this handler answers
 * with its own Hello, raises the frame limit and hands the channel to the handler {@code next} makes
 * for that member. Anything else is logged at ERROR, answered with a {@link Refusal} naming the
 * mismatch, and the connection is closed.
 */
final class AcceptorHandshake extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptorHandshake.class);

    private final Identity self;
    private final Predicate<String> isMember;
    private final int maxFrameBytes;
    private final Duration timeout;
    private final Function<String, ChannelHandler> next;
    private final Counters counters;
    private ScheduledFuture<?> deadline;
    private boolean answered;

    AcceptorHandshake(Identity self, Predicate<String> isMember, int maxFrameBytes, Duration timeout,
            Function<String, ChannelHandler> next, Counters counters) {
        this.self = self;
        this.isMember = isMember;
        this.maxFrameBytes = maxFrameBytes;
        this.timeout = timeout;
        this.next = next;
        this.counters = counters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // A connection that never says hello would otherwise hold a socket forever.
        deadline = ctx.executor().schedule(() -> {
            LOG.warn("Closing connection from {}: no handshake within {} ms", Remote.describe(ctx.channel()),
                    timeout.toMillis());
            counters.connectionsRefused.increment();
            ctx.close();
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answered) {
            // Frames that follow a refused Hello, while the Refusal is being flushed.
            ReferenceCountUtil.release(msg);
            return;
        }
        answered = true;
        deadline.cancel(false);
        String problem = msg instanceof Hello hello
                ? mismatch(hello)
                : "the first frame is a " + msg.getClass().getSimpleName() + ", not a handshake";
        if (problem != null) {
            LOG.error("Refused connection from {}: {}", ctx.channel().remoteAddress(), problem);
            counters.connectionsRefused.increment();
            ctx.writeAndFlush(Wire.frame(new Refusal(problem))).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String member = ((Hello) msg).memberId();
        ctx.channel().attr(Remote.MEMBER_ID).set(member);
        ctx.pipeline().get(FrameDecoder.class).maxFrameBytes(maxFrameBytes);
        ctx.pipeline().replace(this, "dispatcher", next.apply(member));
        ctx.writeAndFlush(Wire.frame(self.helloTo(member)));
        LOG.info("Accepted connection from {}", Remote.describe(ctx.channel()));
    }

    private String mismatch(Hello hello) {
        String problem = self.mismatch(hello, null);
        if (problem == null && !isMember.test(hello.memberId())) {
            problem = "member '" + hello.memberId() + "' is not in this node's member list";
        }
        return problem;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            LOG.error("Refused connection from {}: TLS handshake failed: {}", ctx.channel().remoteAddress(),
                    Objects.requireNonNullElse(tls.cause().getMessage(), tls.cause().toString()));
            counters.connectionsRefused.increment();
            ctx.close();
        }
        ctx.fireUserEventTriggered(event);
    }
}
