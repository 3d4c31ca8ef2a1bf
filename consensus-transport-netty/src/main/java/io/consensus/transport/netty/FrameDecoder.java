package io.consensus.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the byte stream into frame bodies at the 4-byte big-endian length prefix. The body is a
 * retained slice of the read buffer, not a copy.
 *
 * <p>The limit starts at {@link Wire#HANDSHAKE_MAX_FRAME_BYTES} and is raised once the peer has
 * authenticated, so an anonymous connection can make this node buffer only a few kilobytes. A length
 * that is negative or over the limit fails the connection at once, before any of the body is
 * buffered; everything after it is discarded, because the stream can no longer be trusted to be in
 * step.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private int maxFrameBytes = Wire.HANDSHAKE_MAX_FRAME_BYTES;
    private boolean failed;

    /** Raises (or lowers) the largest accepted frame body; called on the channel's event loop. */
    void maxFrameBytes(int value) {
        maxFrameBytes = value;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed || !ctx.channel().isActive()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Wire.LENGTH_PREFIX_BYTES) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 0 || length > maxFrameBytes) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw length < 0
                    ? new CorruptedFrameException("frame length " + (length & 0xFFFFFFFFL) + " is not a valid length")
                    : new TooLongFrameException("frame length " + length + " exceeds the limit of " + maxFrameBytes
                            + " bytes");
        }
        if (in.readableBytes() < Wire.LENGTH_PREFIX_BYTES + length) {
            return;
        }
        in.skipBytes(Wire.LENGTH_PREFIX_BYTES);
        out.add(in.readRetainedSlice(length));
    }
}
