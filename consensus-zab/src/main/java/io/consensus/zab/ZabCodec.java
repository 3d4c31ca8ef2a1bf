package io.consensus.zab;

import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.MessageCodec;
import io.consensus.api.spi.ProtocolMessage;
import io.consensus.zab.ZabMessage.Ack;
import io.consensus.zab.ZabMessage.AckEpoch;
import io.consensus.zab.ZabMessage.Commit;
import io.consensus.zab.ZabMessage.Diff;
import io.consensus.zab.ZabMessage.EpochRange;
import io.consensus.zab.ZabMessage.FollowerInfo;
import io.consensus.zab.ZabMessage.History;
import io.consensus.zab.ZabMessage.NewEpoch;
import io.consensus.zab.ZabMessage.NewLeader;
import io.consensus.zab.ZabMessage.Notification;
import io.consensus.zab.ZabMessage.PeerState;
import io.consensus.zab.ZabMessage.Ping;
import io.consensus.zab.ZabMessage.PingAck;
import io.consensus.zab.ZabMessage.Proposal;
import io.consensus.zab.ZabMessage.Quiesce;
import io.consensus.zab.ZabMessage.Resync;
import io.consensus.zab.ZabMessage.Snap;
import io.consensus.zab.ZabMessage.TakeOver;
import io.consensus.zab.ZabMessage.TakingOver;
import io.consensus.zab.ZabMessage.Trunc;
import io.consensus.zab.ZabMessage.UpToDate;
import io.consensus.zab.ZabMessage.Vote;
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
 * A compact hand-written binary encoding of {@link ZabMessage}s: a version byte, a type byte, then
 * the fields in declaration order, big-endian; strings as modified UTF-8, booleans as one byte,
 * entries as {@code index, era, kind, length, bytes}. Stateless and thread-safe. Decoding checks
 * every count, length, enum and sign and rejects trailing bytes, naming what is malformed.
 */
public final class ZabCodec implements MessageCodec {

    /** The one instance; the codec has no state. */
    public static final ZabCodec INSTANCE = new ZabCodec();

    static final int VERSION = 1;
    /** At most this many entries in one PROPOSAL. */
    static final int MAX_ENTRIES = 1 << 20;
    /** At most this many payload bytes in one entry. */
    static final int MAX_PAYLOAD_BYTES = 256 << 20;
    /** At most this many epoch ranges in one history. */
    static final int MAX_RANGES = 1024;

    private static final int NOTIFICATION = 1;
    private static final int FOLLOWER_INFO = 2;
    private static final int NEW_EPOCH = 3;
    private static final int ACK_EPOCH = 4;
    private static final int DIFF = 5;
    private static final int TRUNC = 6;
    private static final int SNAP = 7;
    private static final int PROPOSAL = 8;
    private static final int NEW_LEADER = 9;
    private static final int ACK = 10;
    private static final int UP_TO_DATE = 11;
    private static final int COMMIT = 12;
    private static final int PING = 13;
    private static final int PING_ACK = 14;
    private static final int RESYNC = 15;
    private static final int TAKE_OVER = 16;
    private static final int TAKING_OVER = 17;
    private static final int QUIESCE = 18;

    private static final EntryKind[] KINDS = EntryKind.values();
    private static final PeerState[] STATES = PeerState.values();

    private ZabCodec() {}

    @Override
    public byte[] encode(ProtocolMessage message) {
        if (!(message instanceof ZabMessage zab)) {
            throw new IllegalArgumentException("not a zab message: " + message);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            write(out, zab);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, ZabMessage message) throws IOException {
        if (message instanceof Notification m) {
            out.writeByte(NOTIFICATION);
            out.writeLong(m.round());
            out.writeByte(m.state().ordinal());
            out.writeBoolean(m.participant());
            writeVote(out, m.vote());
            out.writeLong(m.acceptedEpoch());
        } else if (message instanceof FollowerInfo m) {
            out.writeByte(FOLLOWER_INFO);
            out.writeLong(m.acceptedEpoch());
            out.writeBoolean(m.fresh());
        } else if (message instanceof NewEpoch m) {
            out.writeByte(NEW_EPOCH);
            out.writeLong(m.epoch());
        } else if (message instanceof AckEpoch m) {
            out.writeByte(ACK_EPOCH);
            out.writeLong(m.epoch());
            out.writeLong(m.currentEpoch());
            out.writeBoolean(m.counted());
            writeHistory(out, m.history());
        } else if (message instanceof Diff m) {
            writePosition(out, DIFF, m.epoch(), m.prevIndex(), m.prevEra());
        } else if (message instanceof Trunc m) {
            writePosition(out, TRUNC, m.epoch(), m.prevIndex(), m.prevEra());
        } else if (message instanceof Snap m) {
            writePosition(out, SNAP, m.epoch(), m.index(), m.era());
        } else if (message instanceof Proposal m) {
            writePosition(out, PROPOSAL, m.epoch(), m.prevIndex(), m.prevEra());
            out.writeLong(m.commitIndex());
            out.writeInt(m.entries().size());
            for (LogEntry entry : m.entries()) {
                out.writeLong(entry.index());
                out.writeLong(entry.era());
                out.writeByte(entry.kind().ordinal());
                out.writeInt(entry.payload().length);
                out.write(entry.payload());
            }
        } else if (message instanceof NewLeader m) {
            writePair(out, NEW_LEADER, m.epoch(), m.index());
        } else if (message instanceof Ack m) {
            writePair(out, ACK, m.epoch(), m.index());
            out.writeBoolean(m.synced());
        } else if (message instanceof UpToDate m) {
            writePair(out, UP_TO_DATE, m.epoch(), m.commitIndex());
        } else if (message instanceof Commit m) {
            writePair(out, COMMIT, m.epoch(), m.commitIndex());
        } else if (message instanceof Ping m) {
            writePair(out, PING, m.epoch(), m.commitIndex());
            out.writeLong(m.round());
        } else if (message instanceof PingAck m) {
            writePair(out, PING_ACK, m.epoch(), m.round());
            out.writeBoolean(m.synced());
        } else if (message instanceof Resync m) {
            out.writeByte(RESYNC);
            out.writeLong(m.epoch());
            writeHistory(out, m.history());
        } else if (message instanceof Quiesce m) {
            writePair(out, QUIESCE, m.epoch(), m.commitIndex());
        } else if (message instanceof TakeOver m) {
            out.writeByte(TAKE_OVER);
            out.writeLong(m.epoch());
        } else if (message instanceof TakingOver m) {
            out.writeByte(TAKING_OVER);
            out.writeLong(m.epoch());
        } else {
            throw new IllegalArgumentException("unknown zab message " + message.getClass().getName());
        }
    }

    private static void writePair(DataOutputStream out, int type, long a, long b) throws IOException {
        out.writeByte(type);
        out.writeLong(a);
        out.writeLong(b);
    }

    private static void writePosition(DataOutputStream out, int type, long epoch, long index, long era) throws IOException {
        out.writeByte(type);
        out.writeLong(epoch);
        out.writeLong(index);
        out.writeLong(era);
    }

    private static void writeVote(DataOutputStream out, Vote vote) throws IOException {
        out.writeUTF(vote.leader());
        out.writeLong(vote.epoch());
        out.writeLong(vote.lastEra());
        out.writeLong(vote.lastIndex());
    }

    private static void writeHistory(DataOutputStream out, History history) throws IOException {
        out.writeLong(history.baseIndex());
        out.writeLong(history.baseEra());
        out.writeLong(history.lastIndex());
        out.writeLong(history.lastEra());
        out.writeInt(history.ranges().size());
        for (EpochRange range : history.ranges()) {
            out.writeLong(range.era());
            out.writeLong(range.firstIndex());
            out.writeLong(range.lastIndex());
        }
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException naming what is malformed
     */
    @Override
    public ProtocolMessage decode(byte[] bytes) {
        if (bytes == null || bytes.length < 2) {
            throw new IllegalArgumentException("zab message too short: " + (bytes == null ? 0 : bytes.length) + " bytes");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("zab message version " + version + " is not supported (expected " + VERSION + ")");
            }
            int type = in.readUnsignedByte();
            ZabMessage message = read(in, type);
            if (in.available() > 0) {
                throw new IllegalArgumentException("zab message type " + type + " has " + in.available() + " trailing bytes");
            }
            return message;
        } catch (EOFException e) {
            throw new IllegalArgumentException("zab message truncated", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("zab message unreadable: " + e.getMessage(), e);
        }
    }

    private static ZabMessage read(DataInputStream in, int type) throws IOException {
        switch (type) {
            case NOTIFICATION: {
                long round = nonNegative(in.readLong(), "notification round");
                int state = in.readUnsignedByte();
                if (state >= STATES.length) {
                    throw new IllegalArgumentException("notification state " + state + " is unknown");
                }
                boolean participant = readBoolean(in, "notification participant");
                Vote vote = readVote(in);
                return new Notification(round, STATES[state], participant, vote, nonNegative(in.readLong(), "accepted epoch"));
            }
            case FOLLOWER_INFO:
                return new FollowerInfo(nonNegative(in.readLong(), "accepted epoch"), readBoolean(in, "fresh flag"));
            case NEW_EPOCH:
                return new NewEpoch(nonNegative(in.readLong(), "epoch"));
            case ACK_EPOCH: {
                long epoch = nonNegative(in.readLong(), "epoch");
                long current = nonNegative(in.readLong(), "current epoch");
                boolean counted = readBoolean(in, "ackepoch counted flag");
                return new AckEpoch(epoch, current, counted, readHistory(in));
            }
            case DIFF:
                return new Diff(nonNegative(in.readLong(), "epoch"), nonNegative(in.readLong(), "diff index"),
                        nonNegative(in.readLong(), "diff era"));
            case TRUNC:
                return new Trunc(nonNegative(in.readLong(), "epoch"), nonNegative(in.readLong(), "trunc index"),
                        nonNegative(in.readLong(), "trunc era"));
            case SNAP:
                return new Snap(nonNegative(in.readLong(), "epoch"), nonNegative(in.readLong(), "snap index"),
                        nonNegative(in.readLong(), "snap era"));
            case PROPOSAL:
                return readProposal(in);
            case NEW_LEADER:
                return new NewLeader(nonNegative(in.readLong(), "epoch"), positive(in.readLong(), "newleader index"));
            case ACK:
                return new Ack(nonNegative(in.readLong(), "epoch"), nonNegative(in.readLong(), "ack index"),
                        readBoolean(in, "ack synced flag"));
            case UP_TO_DATE:
                return new UpToDate(nonNegative(in.readLong(), "epoch"), nonNegative(in.readLong(), "commit index"));
            case COMMIT:
                return new Commit(nonNegative(in.readLong(), "epoch"), nonNegative(in.readLong(), "commit index"));
            case PING:
                return new Ping(nonNegative(in.readLong(), "epoch"), nonNegative(in.readLong(), "commit index"),
                        nonNegative(in.readLong(), "ping round"));
            case PING_ACK:
                return new PingAck(nonNegative(in.readLong(), "epoch"), nonNegative(in.readLong(), "ping round"),
                        readBoolean(in, "pingack synced flag"));
            case RESYNC: {
                long epoch = nonNegative(in.readLong(), "epoch");
                return new Resync(epoch, readHistory(in));
            }
            case QUIESCE:
                return new Quiesce(nonNegative(in.readLong(), "epoch"), nonNegative(in.readLong(), "quiesce commit index"));
            case TAKE_OVER:
                return new TakeOver(nonNegative(in.readLong(), "epoch"));
            case TAKING_OVER:
                return new TakingOver(nonNegative(in.readLong(), "epoch"));
            default:
                throw new IllegalArgumentException("zab message type " + type + " is unknown");
        }
    }

    private static Proposal readProposal(DataInputStream in) throws IOException {
        long epoch = nonNegative(in.readLong(), "epoch");
        long prevIndex = nonNegative(in.readLong(), "proposal prev index");
        long prevEra = nonNegative(in.readLong(), "proposal prev era");
        long commit = nonNegative(in.readLong(), "commit index");
        int count = in.readInt();
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IllegalArgumentException("proposal entry count " + count + " is outside 0.." + MAX_ENTRIES);
        }
        List<LogEntry> entries = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            long index = in.readLong();
            if (index != prevIndex + 1 + i) {
                throw new IllegalArgumentException("proposal entry " + i + " has index " + index + ", expected " + (prevIndex + 1 + i));
            }
            long era = nonNegative(in.readLong(), "entry era");
            int kind = in.readUnsignedByte();
            if (kind >= KINDS.length) {
                throw new IllegalArgumentException("entry " + index + " has unknown kind " + kind);
            }
            int length = in.readInt();
            if (length < 0 || length > MAX_PAYLOAD_BYTES || length > in.available()) {
                throw new IllegalArgumentException("entry " + index + " has payload length " + length
                        + " (limit " + MAX_PAYLOAD_BYTES + ", " + in.available() + " bytes left)");
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            entries.add(new LogEntry(index, era, KINDS[kind], payload));
        }
        return new Proposal(epoch, prevIndex, prevEra, entries, commit);
    }

    private static Vote readVote(DataInputStream in) throws IOException {
        String leader = in.readUTF();
        if (leader.isEmpty()) {
            throw new IllegalArgumentException("vote names no leader");
        }
        return new Vote(leader, nonNegative(in.readLong(), "vote epoch"), nonNegative(in.readLong(), "vote last era"),
                nonNegative(in.readLong(), "vote last index"));
    }

    private static History readHistory(DataInputStream in) throws IOException {
        long baseIndex = nonNegative(in.readLong(), "history base index");
        long baseEra = nonNegative(in.readLong(), "history base era");
        long lastIndex = nonNegative(in.readLong(), "history last index");
        long lastEra = nonNegative(in.readLong(), "history last era");
        if (lastIndex < baseIndex) {
            throw new IllegalArgumentException("history last index " + lastIndex + " is below its base " + baseIndex);
        }
        int count = in.readInt();
        if (count < 0 || count > MAX_RANGES) {
            throw new IllegalArgumentException("history range count " + count + " is outside 0.." + MAX_RANGES);
        }
        List<EpochRange> ranges = new ArrayList<>(count);
        long previousLast = -1;
        long previousEra = -1;
        for (int i = 0; i < count; i++) {
            long era = nonNegative(in.readLong(), "range era");
            long first = positive(in.readLong(), "range first index");
            long last = in.readLong();
            if (last < first || first <= previousLast || era <= previousEra || first <= baseIndex || last > lastIndex) {
                throw new IllegalArgumentException("history range " + i + " (" + era + ", " + first + ".." + last
                        + ") is not ordered within (" + baseIndex + ", " + lastIndex + "]");
            }
            ranges.add(new EpochRange(era, first, last));
            previousLast = last;
            previousEra = era;
        }
        return new History(baseIndex, baseEra, lastIndex, lastEra, ranges);
    }

    private static boolean readBoolean(DataInputStream in, String what) throws IOException {
        int b = in.readUnsignedByte();
        if (b > 1) {
            throw new IllegalArgumentException(what + " byte " + b + " is not a boolean");
        }
        return b == 1;
    }

    private static long nonNegative(long value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " " + value + " is negative");
        }
        return value;
    }

    private static long positive(long value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " " + value + " is not positive");
        }
        return value;
    }
}
