package io.consensus.core.runtime;

import io.consensus.api.ReadConsistency;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.core.protocol.MembershipCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the runtimes of two members say to each other besides protocol messages: forwarded
 * commands and reads, and snapshot chunks. The first byte of an envelope's payload tells them apart.
 */
sealed interface RuntimeMessage {

    /** A protocol core's message, encoded by the protocol's codec. */
    record Protocol(byte[] bytes) implements RuntimeMessage {}

    /** A command batch forwarded to the leader to propose. */
    record Forward(byte[] batch) implements RuntimeMessage {}

    /** A read forwarded to the leader. */
    record ReadRequest(long readId, ReadConsistency consistency, byte[] query) implements RuntimeMessage {}

    /** The leader's answer to a forwarded read: a result, or a failure with its reason. */
    record ReadReply(long readId, byte[] result, String rejectedReason, String failure) implements RuntimeMessage {}

    /** One chunk of a snapshot, {@code offset} bytes into it. */
    record SnapshotChunk(SnapshotMeta meta, long offset, boolean last, byte[] bytes) implements RuntimeMessage {}

    /** The receiver has {@code nextOffset} bytes of the snapshot at {@code index}; {@code installed} once done. */
    record SnapshotAck(long index, long nextOffset, boolean installed) implements RuntimeMessage {}

    byte PROTOCOL = 0;
    byte FORWARD = 1;
    byte READ_REQUEST = 2;
    byte READ_REPLY = 3;
    byte SNAPSHOT_CHUNK = 4;
    byte SNAPSHOT_ACK = 5;

    static byte[] encode(RuntimeMessage message) {
        if (message instanceof Protocol p) {
            return prefixed(PROTOCOL, p.bytes());
        }
        if (message instanceof Forward f) {
            return prefixed(FORWARD, f.batch());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (message instanceof ReadRequest r) {
                    out.writeByte(READ_REQUEST);
                    out.writeLong(r.readId());
                    out.writeByte(r.consistency().ordinal());
                    writeBytes(out, r.query());
            } else if (message instanceof ReadReply r) {
                    out.writeByte(READ_REPLY);
                    out.writeLong(r.readId());
                    writeNullable(out, r.rejectedReason());
                    writeNullable(out, r.failure());
                    out.writeBoolean(r.result() != null);
                    if (r.result() != null) {
                        writeBytes(out, r.result());
                    }
            } else if (message instanceof SnapshotChunk c) {
                    out.writeByte(SNAPSHOT_CHUNK);
                    out.writeLong(c.meta().index());
                    out.writeLong(c.meta().era());
                    out.writeLong(c.meta().appliedCount());
                    writeBytes(out, MembershipCodec.encode(c.meta().membership()));
                    out.writeLong(c.offset());
                    out.writeBoolean(c.last());
                    writeBytes(out, c.bytes());
            } else if (message instanceof SnapshotAck a) {
                    out.writeByte(SNAPSHOT_ACK);
                    out.writeLong(a.index());
                    out.writeLong(a.nextOffset());
                    out.writeBoolean(a.installed());
            } else {
                throw new IllegalStateException("unreachable: " + message);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @throws IllegalArgumentException naming what is malformed
     */
    static RuntimeMessage decode(byte[] payload) {
        if (payload.length == 0) {
            throw new IllegalArgumentException("empty payload");
        }
        if (payload[0] == PROTOCOL || payload[0] == FORWARD) {
            byte[] body = new byte[payload.length - 1];
            System.arraycopy(payload, 1, body, 0, body.length);
            return payload[0] == PROTOCOL ? new Protocol(body) : new Forward(body);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte type = in.readByte();
            return switch (type) {
                case READ_REQUEST -> {
                    long readId = in.readLong();
                    int consistency = in.readUnsignedByte();
                    if (consistency >= ReadConsistency.values().length) {
                        throw new IllegalArgumentException("unknown read consistency " + consistency);
                    }
                    yield new ReadRequest(readId, ReadConsistency.values()[consistency], readBytes(in, payload.length));
                }
                case READ_REPLY -> {
                    long readId = in.readLong();
                    String rejected = readNullable(in);
                    String failure = readNullable(in);
                    byte[] result = in.readBoolean() ? readBytes(in, payload.length) : null;
                    yield new ReadReply(readId, result, rejected, failure);
                }
                case SNAPSHOT_CHUNK -> {
                    long index = in.readLong();
                    long era = in.readLong();
                    long applied = in.readLong();
                    byte[] membership = readBytes(in, payload.length);
                    SnapshotMeta meta = new SnapshotMeta(index, era, applied, MembershipCodec.decode(membership));
                    long offset = in.readLong();
                    boolean last = in.readBoolean();
                    yield new SnapshotChunk(meta, offset, last, readBytes(in, payload.length));
                }
                case SNAPSHOT_ACK -> new SnapshotAck(in.readLong(), in.readLong(), in.readBoolean());
                default -> throw new IllegalArgumentException("unknown runtime message type " + type);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed runtime message: " + e.getMessage(), e);
        }
    }

    private static byte[] prefixed(byte type, byte[] body) {
        byte[] payload = new byte[body.length + 1];
        payload[0] = type;
        System.arraycopy(body, 0, payload, 1, body.length);
        return payload;
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in, int limit) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > limit) {
            throw new IOException("length " + length + " is out of range");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static void writeNullable(DataOutputStream out, String text) throws IOException {
        out.writeBoolean(text != null);
        if (text != null) {
            out.writeUTF(text);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
