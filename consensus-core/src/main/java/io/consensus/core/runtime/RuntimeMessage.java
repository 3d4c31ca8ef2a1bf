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

    /**
     * A follower asks the leader for a read index: the position its state machine must reach before
     * it may serve a read itself (ReadIndex on followers, Raft thesis 6.4), so queries run on the
     * member that received them and the leader only confirms.
     */
    record ReadIndexRequest(long readId, ReadConsistency consistency) implements RuntimeMessage {}

    /** The leader's answer: the read index, or a refusal with its reason ({@code index} then -1). */
    record ReadIndexReply(long readId, long index, String rejectedReason, String detail) implements RuntimeMessage {}

    /** One chunk of a snapshot, {@code offset} bytes into it. */
    record SnapshotChunk(SnapshotMeta meta, long offset, boolean last, byte[] bytes) implements RuntimeMessage {}

    /** The receiver has {@code nextOffset} bytes of the snapshot at {@code index}; {@code installed} once done. */
    record SnapshotAck(long index, long nextOffset, boolean installed) implements RuntimeMessage {}

    /**
     * Asks a quiescent member of the group to tick again: sent to the leader by a follower that
     * something other than the leader woke (a candidate, local work), and to every member by a
     * leader whose group closes, so no one sleeps waiting for a leader that will not speak.
     */
    record Wake() implements RuntimeMessage {}

    byte PROTOCOL = 0;
    byte FORWARD = 1;
    // 2 and 3 were reads forwarded with their query, before followers served reads themselves.
    byte SNAPSHOT_CHUNK = 4;
    byte SNAPSHOT_ACK = 5;
    byte READ_INDEX_REQUEST = 6;
    byte READ_INDEX_REPLY = 7;
    byte WAKE = 8;

    static byte[] encode(RuntimeMessage message) {
        if (message instanceof Protocol p) {
            return prefixed(PROTOCOL, p.bytes());
        }
        if (message instanceof Forward f) {
            return prefixed(FORWARD, f.batch());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (message instanceof ReadIndexRequest r) {
                    out.writeByte(READ_INDEX_REQUEST);
                    out.writeLong(r.readId());
                    out.writeByte(r.consistency().ordinal());
            } else if (message instanceof ReadIndexReply r) {
                    out.writeByte(READ_INDEX_REPLY);
                    out.writeLong(r.readId());
                    out.writeLong(r.index());
                    writeNullable(out, r.rejectedReason());
                    writeNullable(out, r.detail());
            } else if (message instanceof SnapshotChunk c) {
                    out.writeByte(SNAPSHOT_CHUNK);
                    out.writeLong(c.meta().index());
                    out.writeLong(c.meta().era());
                    out.writeLong(c.meta().appliedCount());
                    writeBytes(out, MembershipCodec.encode(c.meta().membership()));
                    out.writeLong(c.offset());
                    out.writeBoolean(c.last());
                    writeBytes(out, c.bytes());
            } else if (message instanceof Wake) {
                    out.writeByte(WAKE);
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
                case READ_INDEX_REQUEST -> {
                    long readId = in.readLong();
                    int consistency = in.readUnsignedByte();
                    if (consistency >= ReadConsistency.values().length) {
                        throw new IllegalArgumentException("unknown read consistency " + consistency);
                    }
                    yield new ReadIndexRequest(readId, ReadConsistency.values()[consistency]);
                }
                case READ_INDEX_REPLY -> new ReadIndexReply(in.readLong(), in.readLong(), readNullable(in), readNullable(in));
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
                case WAKE -> new Wake();
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
