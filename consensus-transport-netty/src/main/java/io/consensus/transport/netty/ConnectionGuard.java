package io.consensus.transport.netty;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every pipeline. Whatever reaches it is a protocol error (a frame no handler
 * expected, an oversized or malformed frame) or a failed socket: it logs one line saying which and
 * closes that connection, and nothing escapes to Netty's "unhandled exception" warning.
 */
@Sharable
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final Counters counters;

    ConnectionGuard(Counters counters) {
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        counters.protocolErrors.increment();
        LOG.warn("Closing connection with {}: unexpected {} frame", Remote.describe(ctx.channel()),
                msg.getClass().getSimpleName());
        ReferenceCountUtil.release(msg);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Netty wraps what a decoder throws in a plain DecoderException; its subclasses are our own errors.
        Throwable root = cause;
        while (root.getClass() == DecoderException.class && root.getCause() != null) {
            root = root.getCause();
        }
        if (root instanceof TooLongFrameException || root instanceof CorruptedFrameException) {
            counters.protocolErrors.increment();
            LOG.warn("Closing connection with {}: {}", Remote.describe(ctx.channel()), root.getMessage());
        } else if (root instanceof SSLException) {
            // The handshake handlers log TLS failures with the peer's name.
            LOG.debug("TLS failure on connection with {}", Remote.describe(ctx.channel()), root);
        } else if (root instanceof IOException) {
            LOG.debug("Connection with {} failed: {}", Remote.describe(ctx.channel()), root.toString());
        } else {
            LOG.warn("Closing connection with {} after an unexpected error", Remote.describe(ctx.channel()), cause);
        }
        ctx.close();
    }
}
