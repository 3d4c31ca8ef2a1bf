package io.consensus.transport.netty;

import com.google.protobuf.CodedOutputStream;
import io.consensus.transport.netty.WireProto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;

/**
 * Writes a {@link Frame} as its 4-byte length and body into one buffer of exactly that size. Protobuf
 * serializes straight into the buffer's memory, so the envelope's payload is copied once, into the
 * (pooled, usually direct) buffer that the socket writes from.
 */
@Sharable
final class FrameEncoder extends MessageToByteEncoder<Frame> {

    FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        int size = Wire.LENGTH_PREFIX_BYTES + frame.getSerializedSize();
        return preferDirect ? ctx.alloc().ioBuffer(size, size) : ctx.alloc().heapBuffer(size, size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) throws IOException {
        int bodyBytes = frame.getSerializedSize();
        out.writeInt(bodyBytes);
        // allocateBuffer never returns a composite buffer, so this is a single view of out's memory.
        CodedOutputStream coded = CodedOutputStream.newInstance(out.nioBuffer(out.writerIndex(), bodyBytes));
        frame.writeTo(coded);
        coded.checkNoSpaceLeft();
        out.writerIndex(out.writerIndex() + bodyBytes);
    }
}
