package io.consensus.transport.netty;

import com.google.protobuf.CodedOutputStream;
import io.consensus.api.spi.Envelope;
import io.consensus.transport.netty.WireProto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The transport's frame codec, white-box (it lives in the transport's package to reach the
 * package-private {@link Wire}): encoding an envelope into a pooled direct buffer as
 * {@link FrameEncoder} does, and parsing a frame body back into an envelope as the decoder does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameCodecBenchmark {

    @Param({"128", "4096", "65536"})
    public int payloadBytes;

    private Envelope envelope;
    private ByteBuf encodedBody;

    @Setup
    public void setUp() throws IOException {
        envelope = new Envelope("g0", "m1", "m2", new byte[payloadBytes]);
        ByteBuf frame = encode();
        frame.skipBytes(Wire.LENGTH_PREFIX_BYTES);
        encodedBody = frame;
    }

    private ByteBuf encode() throws IOException {
        Frame frame = Wire.frame(envelope);
        int bodyBytes = frame.getSerializedSize();
        ByteBuf out = PooledByteBufAllocator.DEFAULT.ioBuffer(Wire.LENGTH_PREFIX_BYTES + bodyBytes);
        out.writeInt(bodyBytes);
        CodedOutputStream coded = CodedOutputStream.newInstance(out.nioBuffer(out.writerIndex(), bodyBytes));
        frame.writeTo(coded);
        out.writerIndex(out.writerIndex() + bodyBytes);
        return out;
    }

    @Benchmark
    public int encodeFrame() throws IOException {
        ByteBuf out = encode();
        int written = out.readableBytes();
        out.release();
        return written;
    }

    @Benchmark
    public Object decodeFrame() {
        return Wire.parse(encodedBody.duplicate());
    }
}
