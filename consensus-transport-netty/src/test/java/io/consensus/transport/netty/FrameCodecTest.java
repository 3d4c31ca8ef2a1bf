package io.consensus.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.spi.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.consensus.transport.netty.WireProto.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The framing and protobuf codec, without sockets. */
class FrameCodecTest {

    private final Counters counters = new Counters();

    private final Queue<Object> parsed = new ArrayDeque<>();

    /** A receiving pipeline: decoder, parser, a sink into {@link #parsed}, and the guard that closes on errors. */
    private EmbeddedChannel inbound(int maxFrameBytes) {
        FrameDecoder decoder = new FrameDecoder();
        decoder.maxFrameBytes(maxFrameBytes);
        return new EmbeddedChannel(decoder, new FrameParser(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                parsed.add(msg);
            }
        }, new ConnectionGuard(counters));
    }

    static ByteBuf encode(Frame frame) {
        EmbeddedChannel outbound = new EmbeddedChannel(new FrameEncoder());
        outbound.writeOutbound(frame);
        return outbound.readOutbound();
    }

    @Test
    void envelopeRoundTripsEvenWhenBytesArriveOneAtATime() {
        byte[] payload = new byte[10_000];
        new Random(1).nextBytes(payload);
        Envelope sent = new Envelope("group-1", "a", "b", payload);
        ByteBuf frame = encode(Wire.frame(sent));
        assertThat(frame.readableBytes()).isEqualTo(Wire.LENGTH_PREFIX_BYTES + Wire.frame(sent).getSerializedSize());
        assertThat(frame.getInt(0)).isEqualTo(frame.readableBytes() - 4);

        EmbeddedChannel channel = inbound(1 << 20);
        while (frame.isReadable()) {
            channel.writeInbound(frame.readRetainedSlice(1));
        }
        frame.release();

        Envelope received = (Envelope) parsed.poll();
        assertThat(received.groupId()).isEqualTo("group-1");
        assertThat(received.from()).isEqualTo("a");
        assertThat(received.to()).isEqualTo("b");
        assertThat(received.payload()).isEqualTo(payload);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void theParsedPayloadIsACopyThatOutlivesTheBuffer() {
        ByteBuf frame = encode(Wire.frame(new Envelope("g", "a", "b", new byte[] {1, 2, 3})));
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(frame.skipBytes(4));
        Envelope parsed = (Envelope) Wire.parse(direct);
        direct.setZero(0, direct.capacity()).release();
        frame.release();
        assertThat(parsed.payload()).containsExactly(1, 2, 3);
    }

    @Test
    void manyFramesInOneReadAreAllDecodedInOrder() {
        ByteBuf all = Unpooled.buffer();
        for (int i = 0; i < 100; i++) {
            ByteBuf frame = encode(Wire.frame(new Envelope("g", "a", "b", Collector.payload(i, 8 + i))));
            all.writeBytes(frame);
            frame.release();
        }
        EmbeddedChannel channel = inbound(1 << 20);
        channel.writeInbound(all);
        for (int i = 0; i < 100; i++) {
            Envelope envelope = (Envelope) parsed.poll();
            assertThat(envelope.payload()).hasSize(8 + i);
            assertThat(envelope.payload()[7]).isEqualTo((byte) i);
        }
        assertThat(parsed.poll()).isNull();
    }

    @Test
    void helloAndRefusalRoundTrip() {
        EmbeddedChannel channel = inbound(Wire.HANDSHAKE_MAX_FRAME_BYTES);
        Hello hello = new Hello(Wire.VERSION, "cluster", "a", "b");
        channel.writeInbound(encode(Wire.frame(hello)), encode(Wire.frame(new Refusal("no"))));
        assertThat(parsed.poll()).isEqualTo(hello);
        assertThat(parsed.poll()).isEqualTo(new Refusal("no"));
    }

    @Test
    void aRefusalIsCutToFitTheHandshakeLimit() {
        ByteBuf frame = encode(Wire.frame(new Refusal("x".repeat(100_000))));
        assertThat(frame.readableBytes()).isLessThan(Wire.HANDSHAKE_MAX_FRAME_BYTES);
        frame.release();
    }

    @Test
    void aLengthOverTheLimitClosesTheConnectionBeforeBufferingTheBody() {
        EmbeddedChannel channel = inbound(4096);
        ByteBuf prefix = Unpooled.buffer().writeInt(4097).writeBytes(new byte[100]);
        channel.writeInbound(prefix);
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.protocolErrors.sum()).isEqualTo(1);
        assertThat(prefix.refCnt()).isZero();
    }

    @Test
    void theLargestLengthClosesTheConnection() {
        EmbeddedChannel channel = inbound(16 << 20);
        channel.writeInbound(Unpooled.buffer().writeInt(Integer.MAX_VALUE));
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.protocolErrors.sum()).isEqualTo(1);
    }

    @Test
    void aNegativeLengthClosesTheConnection() {
        EmbeddedChannel channel = inbound(16 << 20);
        channel.writeInbound(Unpooled.buffer().writeInt(-1));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aBodyThatIsNotAFrameClosesTheConnection() {
        EmbeddedChannel channel = inbound(1 << 20);
        byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        channel.writeInbound(Unpooled.buffer().writeInt(garbage.length).writeBytes(garbage));
        assertThat(channel.isOpen()).isFalse();
        assertThat(counters.protocolErrors.sum()).isEqualTo(1);
        assertThat(parsed.poll()).isNull();
    }

    @Test
    void anEmptyFrameIsMalformed() {
        EmbeddedChannel channel = inbound(1 << 20);
        channel.writeInbound(Unpooled.buffer().writeInt(0));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void framesAfterAFailureAreNotDelivered() {
        EmbeddedChannel channel = inbound(4096);
        ByteBuf good = encode(Wire.frame(new Envelope("g", "a", "b", new byte[8])));
        ByteBuf bytes = Unpooled.buffer().writeInt(1 << 30).writeBytes(good);
        good.release();
        channel.writeInbound(bytes);
        assertThat(parsed.poll()).isNull();
    }

    @Test
    void theLimitCanBeRaisedAfterTheHandshake() {
        FrameDecoder decoder = new FrameDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new FrameParser());
        ByteBuf big = encode(Wire.frame(new Envelope("g", "a", "b", new byte[10_000])));
        decoder.maxFrameBytes(1 << 20);
        channel.writeInbound(big);
        Envelope envelope = channel.readInbound();
        assertThat(envelope.payload()).hasSize(10_000);
    }
}
