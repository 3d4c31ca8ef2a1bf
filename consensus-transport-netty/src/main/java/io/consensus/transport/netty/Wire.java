package io.consensus.transport.netty;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.consensus.api.spi.Envelope;
import io.consensus.transport.netty.WireProto.Frame;
import io.consensus.transport.netty.WireProto.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.CorruptedFrameException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Conversions between the transport's values ({@link Envelope}, {@link Hello}, {@link Refusal}) and the
 * generated protobuf {@link Frame}, so generated types stay inside the codec.
 */
final class Wire {

    /** Raised when a node can no longer talk to the previous version; the handshake compares it. */
    static final int VERSION = 1;

    /** The length prefix in front of every frame. */
    static final int LENGTH_PREFIX_BYTES = 4;

    /**
     * The frame limit before a connection is authenticated: a Hello or Refusal is small, and an
     * unauthenticated peer must not make this node buffer {@code maxFrameBytes} per connection.
     */
    static final int HANDSHAKE_MAX_FRAME_BYTES = 4096;

    /** Refusal reasons are cut to this length so a refusal always fits the handshake limit. */
    private static final int MAX_REASON_CHARS = 1000;

    private Wire() {}

    /** The frame of an envelope; the payload is wrapped, not copied (the SPI says it is not modified). */
    static Frame frame(Envelope envelope) {
        return Frame.newBuilder()
                .setMessage(Message.newBuilder()
                        .setGroupId(envelope.groupId())
                        .setFrom(envelope.from())
                        .setTo(envelope.to())
                        .setPayload(UnsafeByteOperations.unsafeWrap(envelope.payload())))
                .build();
    }

    static Frame frame(Hello hello) {
        return Frame.newBuilder()
                .setHello(WireProto.Hello.newBuilder()
                        .setWireVersion(hello.wireVersion())
                        .setClusterId(hello.clusterId())
                        .setMemberId(hello.memberId())
                        .setPeerId(hello.peerId()))
                .build();
    }

    static Frame frame(Refusal refusal) {
        String reason = refusal.reason();
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "...";
        }
        return Frame.newBuilder().setRefusal(WireProto.Refusal.newBuilder().setReason(reason)).build();
    }

    /**
     * Parses one frame body into an {@link Envelope}, {@link Hello} or {@link Refusal}. The payload is
     * copied exactly once, out of {@code body} into the envelope's array: protobuf aliases the buffer
     * while parsing, and the envelope must outlive the pooled buffer.
     *
     * @throws CorruptedFrameException if the bytes are not a frame
     */
    static Object parse(ByteBuf body) {
        ByteBuffer bytes = body.nioBufferCount() == 1 ? body.nioBuffer() : ByteBuffer.wrap(ByteBufUtil.getBytes(body));
        // Through a wrapping ByteString the stream counts as immutable, the condition for aliasing to apply.
        CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
        in.enableAliasing(true);
        Frame frame;
        try {
            frame = Frame.parseFrom(in);
        } catch (IOException e) {
            // InvalidProtocolBufferException; nothing else can fail reading from memory.
            throw new CorruptedFrameException("malformed frame: " + e.getMessage(), e);
        }
        return switch (frame.getBodyCase()) {
            case MESSAGE -> envelope(frame.getMessage());
            case HELLO -> hello(frame.getHello());
            case REFUSAL -> new Refusal(frame.getRefusal().getReason());
            case BODY_NOT_SET -> throw new CorruptedFrameException("malformed frame: no hello, refusal or message in it");
        };
    }

    private static Envelope envelope(Message message) {
        ByteString payload = message.getPayload();
        return new Envelope(message.getGroupId(), message.getFrom(), message.getTo(), payload.toByteArray());
    }

    private static Hello hello(WireProto.Hello hello) {
        return new Hello(hello.getWireVersion(), hello.getClusterId(), hello.getMemberId(), hello.getPeerId());
    }
}
