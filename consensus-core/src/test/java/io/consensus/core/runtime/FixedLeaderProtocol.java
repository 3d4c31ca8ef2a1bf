package io.consensus.core.runtime;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException;
import io.consensus.api.Role;
import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.CoreState;
import io.consensus.api.spi.CoreStatus;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.MessageCodec;
import io.consensus.api.spi.ProtocolCore;
import io.consensus.api.spi.ProtocolMessage;
import io.consensus.api.spi.Ready;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.core.protocol.PendingLog;
import io.consensus.core.protocol.ReadyBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A test-only protocol for exercising the runtime: the lowest member id always leads and commits
 * what it has persisted; followers store what it sends and commit what it says is committed. It is
 * not fault tolerant and does not need to be: it drives the runtime's ordering and futures.
 */
public final class FixedLeaderProtocol implements ConsensusProtocol {

    /** Leader to follower: entries to store and the leader's commit index. */
    record Append(List<LogEntry> entries, long commitIndex) implements ProtocolMessage {}

    @Override
    public String name() {
        return "fixed-leader";
    }

    @Override
    public ProtocolCore createCore(CoreContext context) {
        return new Core(context);
    }

    @Override
    public MessageCodec codec() {
        return new MessageCodec() {
            @Override
            public byte[] encode(ProtocolMessage message) {
                Append append = (Append) message;
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (DataOutputStream out = new DataOutputStream(bytes)) {
                    out.writeLong(append.commitIndex());
                    out.writeInt(append.entries().size());
                    for (LogEntry entry : append.entries()) {
                        out.writeLong(entry.index());
                        out.writeLong(entry.era());
                        out.writeByte(entry.kind().ordinal());
                        out.writeInt(entry.payload().length);
                        out.write(entry.payload());
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return bytes.toByteArray();
            }

            @Override
            public ProtocolMessage decode(byte[] bytes) {
                try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                    long commit = in.readLong();
                    int count = in.readInt();
                    List<LogEntry> entries = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        long index = in.readLong();
                        long era = in.readLong();
                        EntryKind kind = EntryKind.values()[in.readByte()];
                        byte[] payload = new byte[in.readInt()];
                        in.readFully(payload);
                        entries.add(new LogEntry(index, era, kind, payload));
                    }
                    return new Append(entries, commit);
                } catch (IOException e) {
                    throw new IllegalArgumentException("malformed append: " + e.getMessage());
                }
            }
        };
    }

    private static final class Core implements ProtocolCore {
        private final Membership membership;
        private final String self;
        private final String leader;
        private final PendingLog log;
        private final ReadyBuilder out;
        private long persistedIndex;
        private long commitIndex;
        private long emittedIndex;

        Core(CoreContext context) {
            this.membership = Membership.ofVoters(new TreeSet<>(context.config().members()));
            this.self = context.memberId();
            this.leader = membership.voters().first().id();
            this.log = new PendingLog(context.log());
            this.out = new ReadyBuilder(log);
            this.persistedIndex = context.log().lastIndex();
            this.emittedIndex = context.log().latestSnapshot().map(SnapshotMeta::index).orElse(0L);
            out.stateChanged(currentState());
        }

        private boolean leading() {
            return self.equals(leader);
        }

        private CoreState currentState() {
            return new CoreState(leading() ? Role.LEADER : Role.FOLLOWER, leader, 1);
        }

        @Override
        public void tick() {
            if (leading()) {
                // Re-sends the latest entries: a follower whose group started after an append was
                // sent (and dropped it) must still catch up, or its callers would wait forever.
                long last = log.lastIndex();
                broadcast(log.entries(Math.max(1, last - 63), last + 1, Long.MAX_VALUE));
            }
        }

        private void broadcast(List<LogEntry> entries) {
            for (Member member : membership.voters()) {
                if (!member.id().equals(self)) {
                    out.send(member.id(), new Append(entries, commitIndex));
                }
            }
        }

        @Override
        public void receive(String from, ProtocolMessage message) {
            if (leading() || !(message instanceof Append append)) {
                return;
            }
            for (LogEntry entry : append.entries()) {
                if (log.entry(entry.index()) == null && entry.index() == log.lastIndex() + 1) {
                    log.put(entry);
                }
            }
            commitIndex = Math.max(commitIndex, append.commitIndex());
            emitCommitted();
        }

        @Override
        public boolean propose(byte[] commands) {
            if (!leading()) {
                return false;
            }
            LogEntry entry = new LogEntry(log.lastIndex() + 1, 1, EntryKind.COMMANDS, commands);
            log.put(entry);
            broadcast(List.of(entry));
            return true;
        }

        @Override
        public void read(long readId, ReadConsistency consistency) {
            if (leading()) {
                out.grantRead(readId, commitIndex);
            } else {
                out.outcome(RequestOutcome.failed(readId, RejectedException.Reason.NO_LEADER, "not leader"));
            }
        }

        @Override
        public void changeMembership(long requestId, MembershipChange change) {
            out.outcome(RequestOutcome.failed(requestId, RejectedException.Reason.INVALID, "fixed membership"));
        }

        @Override
        public void transferLeadership(long requestId, String targetId) {
            out.outcome(RequestOutcome.failed(requestId, RejectedException.Reason.INVALID, "fixed leader"));
        }

        @Override
        public void persisted(long index, long era) {
            persistedIndex = Math.max(persistedIndex, index);
            if (leading()) {
                commitIndex = persistedIndex;
            }
            emitCommitted();
        }

        private void emitCommitted() {
            long upTo = Math.min(commitIndex, persistedIndex);
            while (emittedIndex < upTo) {
                emittedIndex++;
                out.commit(log.entry(emittedIndex));
            }
        }

        @Override
        public void snapshotInstalled(String from, SnapshotMeta meta) {
            emittedIndex = meta.index();
        }

        @Override
        public void applied(long index) {
        }

        @Override
        public boolean hasReady() {
            return out.hasReady();
        }

        @Override
        public Ready ready() {
            return out.build();
        }

        @Override
        public CoreStatus status() {
            return new CoreStatus(currentState(), "fixed", commitIndex, membership, List.of());
        }
    }
}
