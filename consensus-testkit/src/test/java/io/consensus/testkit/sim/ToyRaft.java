package io.consensus.testkit.sim;

import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.MessageCodec;
import io.consensus.api.spi.ProtocolCore;
import io.consensus.api.spi.ProtocolMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A small Raft for testing the simulator: elections with the log up-to-date rule, log replication
 * with the consistency check and truncation on conflict, commitment of current-term entries by a
 * majority of persisted copies, a no-op at the start of each term, ReadIndex reads confirmed by a
 * heartbeat round, and snapshots through the runtime. Fixed membership, no leader transfer.
 *
 * <p>Each {@link Fault} breaks it in one way that a simulation must catch.
 */
final class ToyRaft implements ConsensusProtocol {

    /** Test-only fault switches. */
    enum Fault {
        /** The leader commits (and so acknowledges) what only it has persisted: no quorum. */
        COMMIT_WITHOUT_QUORUM,
        /** The leader serves linearizable reads at once, without confirming it still leads. */
        UNCONFIRMED_LEADER_READS,
        /** Votes and acknowledgements leave before the storage synced what they promise. */
        ACK_BEFORE_PERSIST
    }

    sealed interface Message extends ProtocolMessage permits RequestVote, Vote, Append, AppendReply {}

    record RequestVote(long term, long lastIndex, long lastTerm) implements Message {}

    record Vote(long term, boolean granted) implements Message {}

    record Append(long term, long prevIndex, long prevTerm, List<LogEntry> entries, long commit, long round)
            implements Message {
        @Override
        public String toString() {
            return "Append[term=" + term + ", prev=" + prevIndex + "@" + prevTerm + ", entries="
                    + (entries.isEmpty() ? "[]" : entries.get(0).index() + ".." + entries.get(entries.size() - 1).index())
                    + ", commit=" + commit + ", round=" + round + "]";
        }
    }

    record AppendReply(long term, boolean success, long index, long round) implements Message {}

    private final Set<Fault> faults;

    ToyRaft(Fault... faults) {
        this.faults = faults.length == 0 ? EnumSet.noneOf(Fault.class) : EnumSet.of(faults[0], faults);
    }

    @Override
    public String name() {
        return faults.isEmpty() ? "toy-raft" : "toy-raft" + faults;
    }

    @Override
    public ProtocolCore createCore(CoreContext context) {
        return new ToyRaftCore(context, faults);
    }

    @Override
    public MessageCodec codec() {
        return CODEC;
    }

    private static final MessageCodec CODEC = new MessageCodec() {
        @Override
        public byte[] encode(ProtocolMessage message) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                if (message instanceof RequestVote m) {
                    out.writeByte(1);
                    out.writeLong(m.term());
                    out.writeLong(m.lastIndex());
                    out.writeLong(m.lastTerm());
                } else if (message instanceof Vote m) {
                    out.writeByte(2);
                    out.writeLong(m.term());
                    out.writeBoolean(m.granted());
                } else if (message instanceof Append m) {
                    out.writeByte(3);
                    out.writeLong(m.term());
                    out.writeLong(m.prevIndex());
                    out.writeLong(m.prevTerm());
                    out.writeLong(m.commit());
                    out.writeLong(m.round());
                    out.writeInt(m.entries().size());
                    for (LogEntry e : m.entries()) {
                        out.writeLong(e.index());
                        out.writeLong(e.era());
                        out.writeByte(e.kind().ordinal());
                        out.writeInt(e.payload().length);
                        out.write(e.payload());
                    }
                } else if (message instanceof AppendReply m) {
                    out.writeByte(4);
                    out.writeLong(m.term());
                    out.writeBoolean(m.success());
                    out.writeLong(m.index());
                    out.writeLong(m.round());
                } else {
                    throw new IllegalArgumentException("not a toy-raft message: " + message);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        @Override
        public ProtocolMessage decode(byte[] bytes) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                int type = in.readByte();
                switch (type) {
                    case 1:
                        return new RequestVote(in.readLong(), in.readLong(), in.readLong());
                    case 2:
                        return new Vote(in.readLong(), in.readBoolean());
                    case 3: {
                        long term = in.readLong();
                        long prev = in.readLong();
                        long prevTerm = in.readLong();
                        long commit = in.readLong();
                        long round = in.readLong();
                        int count = in.readInt();
                        List<LogEntry> entries = new ArrayList<>(count);
                        for (int i = 0; i < count; i++) {
                            long index = in.readLong();
                            long era = in.readLong();
                            EntryKind kind = EntryKind.values()[in.readByte()];
                            byte[] payload = new byte[in.readInt()];
                            in.readFully(payload);
                            entries.add(new LogEntry(index, era, kind, payload));
                        }
                        return new Append(term, prev, prevTerm, entries, commit, round);
                    }
                    case 4:
                        return new AppendReply(in.readLong(), in.readBoolean(), in.readLong(), in.readLong());
                    default:
                        throw new IllegalArgumentException("unknown toy-raft message type " + type);
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("malformed toy-raft message: " + e.getMessage(), e);
            }
        }
    };
}
