package io.consensus.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns a frame body into an {@link io.consensus.api.spi.Envelope}, {@link Hello} or {@link Refusal};
 * a body that is not a frame fails the connection.
 */
@Sharable
final class FrameParser extends MessageToMessageDecoder<ByteBuf> {

    FrameParser() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf body, List<Object> out) {
        out.add(Wire.parse(body));
    }
}
