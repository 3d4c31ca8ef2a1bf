package io.consensus.paxos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.paxos.PaxosMessage.Accept;
import io.consensus.paxos.PaxosMessage.Accepted;
import io.consensus.paxos.PaxosMessage.Heartbeat;
import io.consensus.paxos.PaxosMessage.HeartbeatAck;
import io.consensus.paxos.PaxosMessage.Learn;
import io.consensus.paxos.PaxosMessage.Learned;
import io.consensus.paxos.PaxosMessage.Nack;
import io.consensus.paxos.PaxosMessage.NotMember;
import io.consensus.paxos.PaxosMessage.Prepare;
import io.consensus.paxos.PaxosMessage.Promise;
import io.consensus.paxos.PaxosMessage.Quiesce;
import io.consensus.paxos.PaxosMessage.TimeoutNow;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every message round-trips; malformed bytes fail with an IllegalArgumentException naming the problem. */
class PaxosCodecTest {

    static final PaxosCodec CODEC = PaxosCodec.INSTANCE;
    static final long B = Ballot.of(7, 2);
    static final Membership MEMBERS = Membership.ofVoters(new TreeSet<>(List.of(Member.local("a"), Member.local("b"))));

    static LogEntry entry(long slot, long era, String value) {
        return new LogEntry(slot, era, EntryKind.COMMANDS, value.getBytes());
    }

    static PaxosMessage roundTrip(PaxosMessage message) {
        return (PaxosMessage) CODEC.decode(CODEC.encode(message));
    }

    static void assertSame(PaxosMessage a, PaxosMessage b) {
        assertThat(b.getClass()).isEqualTo(a.getClass());
        assertThat(b.toString().replaceAll("@[0-9a-f]+", "")).isEqualTo(a.toString().replaceAll("@[0-9a-f]+", ""));
    }

    @Test
    void everyMessageRoundTrips() {
        List<LogEntry> entries = List.of(entry(5, B, "x"), new LogEntry(7, Ballot.of(3, 1), EntryKind.CONFIG, new byte[] {1, 2}),
                LogEntry.noop(9, B));
        List<PaxosMessage> messages = List.of(
                new Prepare(B, 5, Ballot.NONE, true),
                new PaxosMessage.ProbeGranted(B),
                new Prepare(B, 1, Ballot.of(6, 1), false),
                new Promise(B, 5, 4, 4, 7, 5, 9, true, entries),
                new Promise(B, 5, 4, 4, 0, 5, 4, false, List.of()),
                new Nack(B, Ballot.of(8, 0)),
                new Accept(B, 4, List.of(entry(5, B, "a"), entry(6, B, ""))),
                new Accepted(B, 5, 6, 4),
                new Accepted(B, 5, 4, 0),
                new Heartbeat(B, 12, 3),
                new HeartbeatAck(B, 3, 11),
                new Learn(B, 2, MEMBERS, List.of(entry(3, Ballot.of(1, 1), "c"), LogEntry.noop(4, B))),
                new Learned(B, 4),
                new TimeoutNow(B),
                new PaxosMessage.SnapshotRequest(B),
                new Quiesce(B, 12),
                new Quiesce(B, 0),
                new NotMember(B, 0),
                new NotMember(B, 206));
        for (PaxosMessage message : messages) {
            PaxosMessage decoded = roundTrip(message);
            assertSame(message, decoded);
        }
        Promise promise = (Promise) roundTrip(new Promise(B, 5, 4, 4, 7, 5, 9, true, entries));
        for (int i = 0; i < entries.size(); i++) {
            assertThat(promise.entries().get(i).index()).isEqualTo(entries.get(i).index());
            assertThat(promise.entries().get(i).era()).isEqualTo(entries.get(i).era());
            assertThat(promise.entries().get(i).kind()).isEqualTo(entries.get(i).kind());
            assertThat(promise.entries().get(i).payload()).isEqualTo(entries.get(i).payload());
        }
    }

    @Test
    void rejectsEmptyTruncatedAndTrailingBytes() {
        assertThatThrownBy(() -> CODEC.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        byte[] good = CODEC.encode(new Accept(B, 4, List.of(entry(5, B, "abc"))));
        assertThatThrownBy(() -> CODEC.decode(Arrays.copyOf(good, good.length - 2)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> CODEC.decode(longer)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void rejectsUnknownVersionAndType() {
        assertThatThrownBy(() -> CODEC.decode(new byte[] {9, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 9");
        assertThatThrownBy(() -> CODEC.decode(new byte[] {1, 99})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("type 99");
    }

    @Test
    void rejectsOutOfRangeFields() throws IOException {
        assertThatThrownBy(() -> CODEC.decode(bytes(out -> {
            out.writeByte(1);
            out.writeByte(1); // prepare
            out.writeLong(-1);
            out.writeLong(1);
            out.writeLong(0);
            out.writeBoolean(false);
        }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prepare ballot");
        assertThatThrownBy(() -> CODEC.decode(bytes(out -> {
            out.writeByte(1);
            out.writeByte(4); // accept
            out.writeLong(B);
            out.writeLong(0);
            out.writeInt(-5);
        }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry count");
        assertThatThrownBy(() -> CODEC.decode(bytes(out -> {
            out.writeByte(1);
            out.writeByte(4); // accept with an entry of another ballot
            out.writeLong(B);
            out.writeLong(0);
            out.writeInt(1);
            out.writeLong(3);
            out.writeLong(B + 1);
            out.writeByte(0);
            out.writeInt(0);
        }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not the ballot");
        assertThatThrownBy(() -> CODEC.decode(bytes(out -> {
            out.writeByte(1);
            out.writeByte(13); // quiesce
            out.writeLong(B);
            out.writeLong(-1);
        }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quiesce commit");
        assertThatThrownBy(() -> CODEC.decode(bytes(out -> {
            out.writeByte(1);
            out.writeByte(13); // quiesce
            out.writeLong(-3);
            out.writeLong(4);
        }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quiesce ballot");
        assertThatThrownBy(() -> CODEC.decode(bytes(out -> {
            out.writeByte(1);
            out.writeByte(14); // not-member
            out.writeLong(B);
            out.writeLong(-2);
        }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not-member configSlot");
        byte[] members = io.consensus.core.protocol.MembershipCodec.encode(MEMBERS);
        assertThatThrownBy(() -> CODEC.decode(bytes(out -> {
            out.writeByte(1);
            out.writeByte(8); // learn with a kind out of range
            out.writeLong(B);
            out.writeLong(0);
            out.writeInt(members.length);
            out.write(members);
            out.writeInt(1);
            out.writeLong(3);
            out.writeLong(B);
            out.writeByte(17);
            out.writeInt(0);
        }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown kind");
        assertThatThrownBy(() -> CODEC.decode(bytes(out -> {
            out.writeByte(1);
            out.writeByte(8); // learn with a payload longer than the message
            out.writeLong(B);
            out.writeLong(0);
            out.writeInt(members.length);
            out.write(members);
            out.writeInt(1);
            out.writeLong(3);
            out.writeLong(B);
            out.writeByte(0);
            out.writeInt(1000);
        }))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload length");
        assertThatThrownBy(() -> CODEC.decode(CODEC.encode(new Learn(B, 0, MEMBERS, List.of(entry(3, B, "a"), entry(5, B, "b"))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contiguous");
        assertThatThrownBy(() -> CODEC.decode(CODEC.encode(new Learn(B, 3, MEMBERS, List.of(entry(3, B, "a"))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after its configuration");
        assertThatThrownBy(() -> CODEC.decode(CODEC.encode(new Promise(B, 5, 0, 4, 0, 5, 6, true, List.of(entry(9, B, "a"))))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside its chunk");
    }

    @Test
    void encodingSomethingElseFails() {
        assertThatThrownBy(() -> CODEC.encode(new io.consensus.api.spi.ProtocolMessage() {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    static byte[] bytes(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        }
        return bytes.toByteArray();
    }
}
