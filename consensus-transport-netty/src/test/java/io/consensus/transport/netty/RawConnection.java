package io.consensus.transport.netty;

import io.consensus.api.Member;
import io.consensus.transport.netty.WireProto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** A plain blocking socket speaking (or abusing) the wire format, for hostile and fake peers. */
final class RawConnection implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawConnection(Socket socket) {
        try {
            this.socket = socket;
            socket.setSoTimeout(10_000);
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RawConnection to(Member member) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(member.host(), member.port()), 5_000);
            return new RawConnection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Frame frame) {
        ByteBuf encoded = FrameCodecTest.encode(frame);
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes).release();
        return bytes;
    }

    RawConnection send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RawConnection send(Frame frame) {
        return send(bytes(frame));
    }

    /** Sends a Hello as {@code self} of {@code cluster} to {@code peer} and returns the answer. */
    Object hello(String cluster, String self, String peer) {
        send(Wire.frame(new Hello(Wire.VERSION, cluster, self, peer)));
        return read();
    }

    /** Reads one frame and parses it. */
    Object read() {
        try {
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return Wire.parse(Unpooled.wrappedBuffer(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads and discards until end of stream. */
    void drain() {
        try {
            byte[] buffer = new byte[1 << 16];
            socket.setSoTimeout(0);
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // closed under us: done
        }
    }

    /** Whether the other side closes the connection within {@code wait}, discarding what it sends. */
    boolean closedByPeerWithin(Duration wait) {
        try {
            socket.setSoTimeout((int) wait.toMillis());
            byte[] buffer = new byte[4096];
            while (true) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the peer
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
