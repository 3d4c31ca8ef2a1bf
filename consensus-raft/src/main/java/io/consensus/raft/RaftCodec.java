package io.consensus.raft;

import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.MessageCodec;
import io.consensus.api.spi.ProtocolMessage;
import io.consensus.raft.RaftMessage.AppendEntries;
import io.consensus.raft.RaftMessage.AppendResponse;
import io.consensus.raft.RaftMessage.Heartbeat;
import io.consensus.raft.RaftMessage.HeartbeatResponse;
import io.consensus.raft.RaftMessage.NotMember;
import io.consensus.raft.RaftMessage.Quiesce;
import io.consensus.raft.RaftMessage.SnapshotAck;
import io.consensus.raft.RaftMessage.TimeoutNow;
import io.consensus.raft.RaftMessage.VoteRequest;
import io.consensus.raft.RaftMessage.VoteResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A compact hand-written binary encoding of {@link RaftMessage}s: a version byte, a type byte, then
 * the fields in declaration order, big-endian. Entries are {@code index, era, kind, length, bytes}.
 * Stateless and thread-safe. Decoding bounds every length and rejects trailing bytes.
 */
public final class RaftCodec implements MessageCodec {

    /** The one instance; the codec has no state. */
    public static final RaftCodec INSTANCE = new RaftCodec();

    static final int VERSION = 1;
    /** At most this many entries in one AppendEntries. */
    static final int MAX_ENTRIES = 1 << 20;
    /** At most this many payload bytes in one entry. */
    static final int MAX_PAYLOAD_BYTES = 256 << 20;

    private static final int VOTE_REQUEST = 1;
    private static final int VOTE_RESPONSE = 2;
    private static final int APPEND_ENTRIES = 3;
    private static final int APPEND_RESPONSE = 4;
    private static final int HEARTBEAT = 5;
    private static final int HEARTBEAT_RESPONSE = 6;
    private static final int TIMEOUT_NOW = 7;
    private static final int SNAPSHOT_ACK = 8;
    private static final int QUIESCE = 9;
    private static final int NOT_MEMBER = 10;

    private static final EntryKind[] KINDS = EntryKind.values();

    @Override
    public byte[] encode(ProtocolMessage message) {
        if (!(message instanceof RaftMessage raft)) {
            throw new IllegalArgumentException("not a raft message: " + message);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            write(out, raft);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, RaftMessage message) throws IOException {
        if (message instanceof VoteRequest m) {
            out.writeByte(VOTE_REQUEST);
            out.writeLong(m.term());
            out.writeLong(m.lastLogIndex());
            out.writeLong(m.lastLogTerm());
            out.writeByte((m.preVote() ? 1 : 0) | (m.transfer() ? 2 : 0));
        } else if (message instanceof VoteResponse m) {
            out.writeByte(VOTE_RESPONSE);
            out.writeLong(m.term());
            out.writeByte((m.preVote() ? 1 : 0) | (m.granted() ? 2 : 0));
        } else if (message instanceof AppendEntries m) {
            out.writeByte(APPEND_ENTRIES);
            out.writeLong(m.term());
            out.writeLong(m.prevLogIndex());
            out.writeLong(m.prevLogTerm());
            out.writeLong(m.leaderCommit());
            out.writeInt(m.entries().size());
            for (LogEntry entry : m.entries()) {
                out.writeLong(entry.index());
                out.writeLong(entry.era());
                out.writeByte(entry.kind().ordinal());
                out.writeInt(entry.payload().length);
                out.write(entry.payload());
            }
        } else if (message instanceof AppendResponse m) {
            out.writeByte(APPEND_RESPONSE);
            out.writeLong(m.term());
            out.writeBoolean(m.success());
            out.writeLong(m.index());
            out.writeLong(m.conflictTerm());
            out.writeLong(m.conflictIndex());
        } else if (message instanceof Heartbeat m) {
            out.writeByte(HEARTBEAT);
            out.writeLong(m.term());
            out.writeLong(m.commit());
            out.writeLong(m.seq());
        } else if (message instanceof HeartbeatResponse m) {
            out.writeByte(HEARTBEAT_RESPONSE);
            out.writeLong(m.term());
            out.writeLong(m.seq());
        } else if (message instanceof Quiesce m) {
            out.writeByte(QUIESCE);
            out.writeLong(m.term());
            out.writeLong(m.commit());
        } else if (message instanceof NotMember m) {
            out.writeByte(NOT_MEMBER);
            out.writeLong(m.term());
            out.writeLong(m.configIndex());
        } else if (message instanceof TimeoutNow m) {
            out.writeByte(TIMEOUT_NOW);
            out.writeLong(m.term());
        } else if (message instanceof SnapshotAck m) {
            out.writeByte(SNAPSHOT_ACK);
            out.writeLong(m.term());
            out.writeLong(m.index());
        } else {
            throw new IllegalArgumentException("unknown raft message " + message.getClass().getName());
        }
    }

    @Override
    public RaftMessage decode(byte[] bytes) {
        if (bytes == null || bytes.length < 2) {
            throw new IllegalArgumentException("raft message is " + (bytes == null ? "null" : bytes.length + " bytes")
                    + ", shorter than its 2-byte header");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("raft message version " + version + " is not supported (expected "
                        + VERSION + ")");
            }
            int type = in.readUnsignedByte();
            RaftMessage message = read(in, type, bytes.length);
            if (in.available() > 0) {
                throw new IllegalArgumentException("raft message type " + type + " has " + in.available()
                        + " trailing bytes");
            }
            return message;
        } catch (EOFException e) {
            throw new IllegalArgumentException("raft message is truncated (" + bytes.length + " bytes)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("raft message is malformed: " + e.getMessage(), e);
        }
    }

    private static RaftMessage read(DataInputStream in, int type, int totalBytes) throws IOException {
        switch (type) {
            case VOTE_REQUEST: {
                long term = term(in);
                long lastIndex = index(in, "lastLogIndex");
                long lastTerm = index(in, "lastLogTerm");
                int flags = flags(in, 3);
                return new VoteRequest(term, lastIndex, lastTerm, (flags & 1) != 0, (flags & 2) != 0);
            }
            case VOTE_RESPONSE: {
                long term = term(in);
                int flags = flags(in, 3);
                return new VoteResponse(term, (flags & 1) != 0, (flags & 2) != 0);
            }
            case APPEND_ENTRIES:
                return readAppend(in, totalBytes);
            case APPEND_RESPONSE: {
                long term = term(in);
                boolean success = in.readBoolean();
                return new AppendResponse(term, success, index(in, "index"), index(in, "conflictTerm"),
                        index(in, "conflictIndex"));
            }
            case HEARTBEAT:
                return new Heartbeat(term(in), index(in, "commit"), index(in, "seq"));
            case HEARTBEAT_RESPONSE:
                return new HeartbeatResponse(term(in), index(in, "seq"));
            case QUIESCE:
                return new Quiesce(term(in), index(in, "commit"));
            case NOT_MEMBER:
                return new NotMember(term(in), index(in, "configIndex"));
            case TIMEOUT_NOW:
                return new TimeoutNow(term(in));
            case SNAPSHOT_ACK:
                return new SnapshotAck(term(in), index(in, "index"));
            default:
                throw new IllegalArgumentException("unknown raft message type " + type);
        }
    }

    private static AppendEntries readAppend(DataInputStream in, int totalBytes) throws IOException {
        long term = term(in);
        long prevIndex = index(in, "prevLogIndex");
        long prevTerm = index(in, "prevLogTerm");
        long commit = index(in, "leaderCommit");
        int count = in.readInt();
        // Each entry takes at least 21 bytes, so the count is bounded by the message length too.
        if (count < 0 || count > MAX_ENTRIES || count > totalBytes / 21) {
            throw new IllegalArgumentException("AppendEntries entry count " + count + " is out of range");
        }
        List<LogEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long index = in.readLong();
            if (index != prevIndex + 1 + i) {
                throw new IllegalArgumentException("AppendEntries entry " + i + " has index " + index + ", expected "
                        + (prevIndex + 1 + i));
            }
            long era = index(in, "entry era");
            int kind = in.readUnsignedByte();
            if (kind >= KINDS.length) {
                throw new IllegalArgumentException("AppendEntries entry " + index + " has unknown kind " + kind);
            }
            int length = in.readInt();
            if (length < 0 || length > MAX_PAYLOAD_BYTES || length > in.available()) {
                throw new IllegalArgumentException("AppendEntries entry " + index + " payload length " + length
                        + " is out of range");
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            entries.add(new LogEntry(index, era, KINDS[kind], payload));
        }
        return new AppendEntries(term, prevIndex, prevTerm, entries, commit);
    }

    private static long term(DataInputStream in) throws IOException {
        return index(in, "term");
    }

    private static long index(DataInputStream in, String field) throws IOException {
        long value = in.readLong();
        if (value < 0) {
            throw new IllegalArgumentException("raft message field " + field + " is negative: " + value);
        }
        return value;
    }

    private static int flags(DataInputStream in, int allowed) throws IOException {
        int flags = in.readUnsignedByte();
        if ((flags & ~allowed) != 0) {
            throw new IllegalArgumentException("raft message has unknown flag bits " + Integer.toBinaryString(flags));
        }
        return flags;
    }
}
