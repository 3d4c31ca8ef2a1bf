package io.consensus.paxos;

import io.consensus.api.Membership;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.MessageCodec;
import io.consensus.api.spi.ProtocolMessage;
import io.consensus.core.protocol.MembershipCodec;
import io.consensus.paxos.PaxosMessage.Accept;
import io.consensus.paxos.PaxosMessage.Accepted;
import io.consensus.paxos.PaxosMessage.Heartbeat;
import io.consensus.paxos.PaxosMessage.HeartbeatAck;
import io.consensus.paxos.PaxosMessage.Learn;
import io.consensus.paxos.PaxosMessage.Learned;
import io.consensus.paxos.PaxosMessage.Nack;
import io.consensus.paxos.PaxosMessage.NotMember;
import io.consensus.paxos.PaxosMessage.Prepare;
import io.consensus.paxos.PaxosMessage.ProbeGranted;
import io.consensus.paxos.PaxosMessage.Promise;
import io.consensus.paxos.PaxosMessage.Quiesce;
import io.consensus.paxos.PaxosMessage.SnapshotRequest;
import io.consensus.paxos.PaxosMessage.TimeoutNow;
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
 * The wire format of {@link PaxosMessage}: a version byte, a type byte, then the fields in order as
 * big-endian longs, booleans as one byte, entry lists as a count followed by (slot, era, kind,
 * payload length, payload). Decoding checks every count, length, slot and enum and rejects trailing
 * bytes. Stateless and thread-safe.
 */
public final class PaxosCodec implements MessageCodec {

    public static final PaxosCodec INSTANCE = new PaxosCodec();

    static final int VERSION = 1;
    static final int MAX_ENTRIES = 1 << 20;
    static final int MAX_PAYLOAD_BYTES = 64 << 20;

    private static final int PREPARE = 1;
    private static final int PROMISE = 2;
    private static final int NACK = 3;
    private static final int ACCEPT = 4;
    private static final int ACCEPTED = 5;
    private static final int HEARTBEAT = 6;
    private static final int HEARTBEAT_ACK = 7;
    private static final int LEARN = 8;
    private static final int LEARNED = 9;
    private static final int TIMEOUT_NOW = 10;
    private static final int PROBE_GRANTED = 11;
    private static final int SNAPSHOT_REQUEST = 12;
    private static final int QUIESCE = 13;
    private static final int NOT_MEMBER = 14;

    private static final EntryKind[] KINDS = EntryKind.values();

    @Override
    public byte[] encode(ProtocolMessage message) {
        if (!(message instanceof PaxosMessage)) {
            throw new IllegalArgumentException("not a paxos message: " + message);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            write(out, (PaxosMessage) message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, PaxosMessage message) throws IOException {
        if (message instanceof Prepare m) {
            out.writeByte(PREPARE);
            out.writeLong(m.ballot());
            out.writeLong(m.fromSlot());
            out.writeLong(m.transferFrom());
            out.writeBoolean(m.probe());
        } else if (message instanceof ProbeGranted m) {
            out.writeByte(PROBE_GRANTED);
            out.writeLong(m.ballot());
        } else if (message instanceof Promise m) {
            out.writeByte(PROMISE);
            out.writeLong(m.ballot());
            out.writeLong(m.fromSlot());
            out.writeLong(m.commit());
            out.writeLong(m.compactedThrough());
            out.writeLong(m.forgotThrough());
            out.writeLong(m.chunkFrom());
            out.writeLong(m.chunkTo());
            out.writeBoolean(m.last());
            writeEntries(out, m.entries());
        } else if (message instanceof Nack m) {
            out.writeByte(NACK);
            out.writeLong(m.ballot());
            out.writeLong(m.promised());
        } else if (message instanceof NotMember m) {
            out.writeByte(NOT_MEMBER);
            out.writeLong(m.ballot());
            out.writeLong(m.configSlot());
        } else if (message instanceof Accept m) {
            out.writeByte(ACCEPT);
            out.writeLong(m.ballot());
            out.writeLong(m.commit());
            writeEntries(out, m.entries());
        } else if (message instanceof Accepted m) {
            out.writeByte(ACCEPTED);
            out.writeLong(m.ballot());
            out.writeLong(m.fromSlot());
            out.writeLong(m.toSlot());
            out.writeLong(m.commit());
        } else if (message instanceof Heartbeat m) {
            out.writeByte(HEARTBEAT);
            out.writeLong(m.ballot());
            out.writeLong(m.commit());
            out.writeLong(m.seq());
        } else if (message instanceof HeartbeatAck m) {
            out.writeByte(HEARTBEAT_ACK);
            out.writeLong(m.ballot());
            out.writeLong(m.seq());
            out.writeLong(m.commit());
        } else if (message instanceof Learn m) {
            out.writeByte(LEARN);
            out.writeLong(m.ballot());
            out.writeLong(m.configSlot());
            if (m.config() == null) {
                out.writeInt(-1);
            } else {
                byte[] config = MembershipCodec.encode(m.config());
                out.writeInt(config.length);
                out.write(config);
            }
            writeEntries(out, m.entries());
        } else if (message instanceof Learned m) {
            out.writeByte(LEARNED);
            out.writeLong(m.ballot());
            out.writeLong(m.commit());
        } else if (message instanceof Quiesce m) {
            out.writeByte(QUIESCE);
            out.writeLong(m.ballot());
            out.writeLong(m.commit());
        } else if (message instanceof TimeoutNow m) {
            out.writeByte(TIMEOUT_NOW);
            out.writeLong(m.ballot());
        } else if (message instanceof SnapshotRequest m) {
            out.writeByte(SNAPSHOT_REQUEST);
            out.writeLong(m.ballot());
        } else {
            throw new IllegalArgumentException("unknown paxos message " + message.getClass().getName());
        }
    }

    private static void writeEntries(DataOutputStream out, List<LogEntry> entries) throws IOException {
        out.writeInt(entries.size());
        for (LogEntry entry : entries) {
            out.writeLong(entry.index());
            out.writeLong(entry.era());
            out.writeByte(entry.kind().ordinal());
            out.writeInt(entry.payload().length);
            out.write(entry.payload());
        }
    }

    @Override
    public ProtocolMessage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("empty paxos message");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("paxos message version " + version + " is not supported (expected "
                        + VERSION + ")");
            }
            PaxosMessage message = read(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " trailing bytes after a "
                        + message.getClass().getSimpleName());
            }
            return message;
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated paxos message", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed paxos message: " + e.getMessage(), e);
        }
    }

    private static PaxosMessage read(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        switch (type) {
            case PREPARE:
                return new Prepare(ballot(in, "prepare ballot"), slot(in, "prepare fromSlot", 1),
                        ballot(in, "prepare transferFrom"), in.readBoolean());
            case SNAPSHOT_REQUEST:
                return new SnapshotRequest(ballot(in, "snapshot-request ballot"));
            case PROBE_GRANTED:
                return new ProbeGranted(ballot(in, "probe-granted ballot"));
            case PROMISE: {
                long ballot = ballot(in, "promise ballot");
                long fromSlot = slot(in, "promise fromSlot", 1);
                long commit = slot(in, "promise commit", 0);
                long compactedThrough = slot(in, "promise compactedThrough", 0);
                long forgotThrough = slot(in, "promise forgotThrough", 0);
                long chunkFrom = slot(in, "promise chunkFrom", 1);
                long chunkTo = slot(in, "promise chunkTo", 0);
                boolean last = in.readBoolean();
                List<LogEntry> entries = entries(in);
                if (chunkFrom < fromSlot || chunkTo < chunkFrom - 1) {
                    throw new IllegalArgumentException("promise chunk [" + chunkFrom + ", " + chunkTo
                            + "] does not follow fromSlot " + fromSlot);
                }
                for (LogEntry entry : entries) {
                    if (entry.index() < chunkFrom || entry.index() > chunkTo) {
                        throw new IllegalArgumentException("promise entry " + entry.index() + " is outside its chunk ["
                                + chunkFrom + ", " + chunkTo + "]");
                    }
                }
                ascending(entries, "promise");
                return new Promise(ballot, fromSlot, commit, compactedThrough, forgotThrough, chunkFrom, chunkTo, last, entries);
            }
            case NACK:
                return new Nack(ballot(in, "nack ballot"), ballot(in, "nack promised"));
            case NOT_MEMBER:
                return new NotMember(ballot(in, "not-member ballot"), slot(in, "not-member configSlot", 0));
            case ACCEPT: {
                long ballot = ballot(in, "accept ballot");
                long commit = slot(in, "accept commit", 0);
                List<LogEntry> entries = entries(in);
                for (LogEntry entry : entries) {
                    if (entry.era() != ballot) {
                        throw new IllegalArgumentException("accept entry " + entry.index() + " has era " + entry.era()
                                + ", not the ballot " + ballot);
                    }
                }
                ascending(entries, "accept");
                return new Accept(ballot, commit, entries);
            }
            case ACCEPTED: {
                long ballot = ballot(in, "accepted ballot");
                long from = slot(in, "accepted fromSlot", 1);
                long to = slot(in, "accepted toSlot", 0);
                return new Accepted(ballot, from, to, slot(in, "accepted commit", 0));
            }
            case HEARTBEAT:
                return new Heartbeat(ballot(in, "heartbeat ballot"), slot(in, "heartbeat commit", 0),
                        slot(in, "heartbeat seq", 0));
            case HEARTBEAT_ACK:
                return new HeartbeatAck(ballot(in, "heartbeat ack ballot"), slot(in, "heartbeat ack seq", 0),
                        slot(in, "heartbeat ack commit", 0));
            case LEARN: {
                long ballot = ballot(in, "learn ballot");
                long configSlot = slot(in, "learn configSlot", 0);
                int length = in.readInt();
                if (length < -1 || length > MAX_PAYLOAD_BYTES || length > in.available()) {
                    throw new IllegalArgumentException("learn configuration length " + length + " is out of range");
                }
                Membership config = length < 0 ? null : MembershipCodec.decode(in.readNBytes(length));
                List<LogEntry> entries = entries(in);
                for (int i = 1; i < entries.size(); i++) {
                    if (entries.get(i).index() != entries.get(i - 1).index() + 1) {
                        throw new IllegalArgumentException("learn entries are not contiguous at " + entries.get(i).index());
                    }
                }
                for (LogEntry entry : entries) {
                    if (entry.index() <= configSlot) {
                        throw new IllegalArgumentException("learn entry " + entry.index() + " is not after its configuration's slot "
                                + configSlot);
                    }
                }
                return new Learn(ballot, configSlot, config, entries);
            }
            case LEARNED:
                return new Learned(ballot(in, "learned ballot"), slot(in, "learned commit", 0));
            case QUIESCE:
                return new Quiesce(ballot(in, "quiesce ballot"), slot(in, "quiesce commit", 0));
            case TIMEOUT_NOW:
                return new TimeoutNow(ballot(in, "timeout-now ballot"));
            default:
                throw new IllegalArgumentException("unknown paxos message type " + type);
        }
    }

    private static long ballot(DataInputStream in, String what) throws IOException {
        long value = in.readLong();
        if (value < 0) {
            throw new IllegalArgumentException(what + " " + value + " is negative");
        }
        return value;
    }

    private static long slot(DataInputStream in, String what, long min) throws IOException {
        long value = in.readLong();
        if (value < min) {
            throw new IllegalArgumentException(what + " " + value + " is below " + min);
        }
        return value;
    }

    private static List<LogEntry> entries(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ENTRIES) {
            throw new IllegalArgumentException("entry count " + count + " is out of range");
        }
        List<LogEntry> entries = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            long index = in.readLong();
            if (index < 1) {
                throw new IllegalArgumentException("entry slot " + index + " is below 1");
            }
            long era = in.readLong();
            if (era < 0) {
                throw new IllegalArgumentException("entry " + index + " has negative era " + era);
            }
            int kind = in.readUnsignedByte();
            if (kind >= KINDS.length) {
                throw new IllegalArgumentException("entry " + index + " has unknown kind " + kind);
            }
            int length = in.readInt();
            if (length < 0 || length > MAX_PAYLOAD_BYTES || length > in.available()) {
                throw new IllegalArgumentException("entry " + index + " payload length " + length + " is out of range");
            }
            entries.add(new LogEntry(index, era, KINDS[kind], in.readNBytes(length)));
        }
        return entries;
    }

    private static void ascending(List<LogEntry> entries, String what) {
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).index() <= entries.get(i - 1).index()) {
                throw new IllegalArgumentException(what + " entries are not in ascending slot order at "
                        + entries.get(i).index());
            }
        }
    }
}
