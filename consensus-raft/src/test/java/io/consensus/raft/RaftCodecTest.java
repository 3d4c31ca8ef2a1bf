package io.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.ProtocolMessage;
import io.consensus.raft.RaftMessage.AppendEntries;
import io.consensus.raft.RaftMessage.AppendResponse;
import io.consensus.raft.RaftMessage.Heartbeat;
import io.consensus.raft.RaftMessage.HeartbeatResponse;
import io.consensus.raft.RaftMessage.SnapshotAck;
import io.consensus.raft.RaftMessage.TimeoutNow;
import io.consensus.raft.RaftMessage.VoteRequest;
import io.consensus.raft.RaftMessage.VoteResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RaftCodecTest {

    private static final RaftCodec CODEC = RaftCodec.INSTANCE;

    static final List<RaftMessage> SAMPLES = List.of(
            new VoteRequest(7, 42, 6, true, false),
            new VoteRequest(Long.MAX_VALUE, 0, 0, false, true),
            new VoteResponse(7, true, true),
            new VoteResponse(8, false, false),
            new AppendEntries(3, 10, 2, List.of(), 9),
            new AppendEntries(3, 10, 2, List.of(new LogEntry(11, 3, EntryKind.NOOP, null),
                    new LogEntry(12, 3, EntryKind.COMMANDS, new byte[] {1, 2, 3}),
                    new LogEntry(13, 3, EntryKind.CONFIG, new byte[300])), 11),
            new AppendResponse(3, true, 13, 0, 0),
            new AppendResponse(4, false, 10, 2, 7),
            new Heartbeat(5, 100, 9),
            new HeartbeatResponse(5, 9),
            new TimeoutNow(6),
            new SnapshotAck(6, 1000),
            new RaftMessage.Quiesce(6, 1000),
            new RaftMessage.NotMember(7, 120));

    @Test
    void everyMessageRoundTrips() {
        for (RaftMessage message : SAMPLES) {
            byte[] bytes = CODEC.encode(message);
            RaftMessage decoded = CODEC.decode(bytes);
            assertThat(CODEC.encode(decoded)).as(message.toString()).isEqualTo(bytes);
            if (message instanceof AppendEntries append) {
                AppendEntries back = (AppendEntries) decoded;
                assertThat(back.term()).isEqualTo(append.term());
                assertThat(back.prevLogIndex()).isEqualTo(append.prevLogIndex());
                assertThat(back.prevLogTerm()).isEqualTo(append.prevLogTerm());
                assertThat(back.leaderCommit()).isEqualTo(append.leaderCommit());
                for (int i = 0; i < append.entries().size(); i++) {
                    LogEntry a = append.entries().get(i);
                    LogEntry b = back.entries().get(i);
                    assertThat(b.index()).isEqualTo(a.index());
                    assertThat(b.era()).isEqualTo(a.era());
                    assertThat(b.kind()).isEqualTo(a.kind());
                    assertThat(b.payload()).isEqualTo(a.payload());
                }
            } else {
                assertThat(decoded).isEqualTo(message);
            }
        }
    }

    @Test
    void theEncodingIsCompact() {
        assertThat(CODEC.encode(new Heartbeat(5, 100, 9))).hasSize(2 + 24);
        assertThat(CODEC.encode(new VoteResponse(7, true, true))).hasSize(2 + 9);
    }

    @Test
    void malformedInputIsRejectedWithANamedReason() {
        assertThatThrownBy(() -> CODEC.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("header");
        assertThatThrownBy(() -> CODEC.decode(new byte[] {9, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 9");
        assertThatThrownBy(() -> CODEC.decode(new byte[] {1, 99})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown raft message type 99");
        byte[] heartbeat = CODEC.encode(new Heartbeat(5, 100, 9));
        byte[] trailing = Arrays.copyOf(heartbeat, heartbeat.length + 1);
        assertThatThrownBy(() -> CODEC.decode(trailing)).hasMessageContaining("trailing");
        byte[] negative = heartbeat.clone();
        ByteBuffer.wrap(negative).putLong(2, -1);
        assertThatThrownBy(() -> CODEC.decode(negative)).hasMessageContaining("term is negative");
        byte[] flags = CODEC.encode(new VoteResponse(7, true, true));
        flags[flags.length - 1] = (byte) 0x80;
        assertThatThrownBy(() -> CODEC.decode(flags)).hasMessageContaining("flag");
    }

    @Test
    void everyTruncationOfEveryMessageIsRejected() {
        for (RaftMessage message : SAMPLES) {
            byte[] bytes = CODEC.encode(message);
            for (int length = 0; length < bytes.length; length++) {
                byte[] cut = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> CODEC.decode(cut)).as(message + " cut at " + cut.length)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void appendEntriesLengthsAndOrderAreChecked() {
        AppendEntries append = new AppendEntries(3, 10, 2, List.of(new LogEntry(11, 3, EntryKind.COMMANDS, new byte[4])), 9);
        byte[] bytes = CODEC.encode(append);
        int countAt = 2 + 8 * 4;
        byte[] hugeCount = bytes.clone();
        ByteBuffer.wrap(hugeCount).putInt(countAt, Integer.MAX_VALUE);
        assertThatThrownBy(() -> CODEC.decode(hugeCount)).hasMessageContaining("entry count");
        byte[] gap = bytes.clone();
        ByteBuffer.wrap(gap).putLong(countAt + 4, 12);
        assertThatThrownBy(() -> CODEC.decode(gap)).hasMessageContaining("expected 11");
        byte[] kind = bytes.clone();
        kind[countAt + 4 + 16] = 42;
        assertThatThrownBy(() -> CODEC.decode(kind)).hasMessageContaining("unknown kind 42");
        byte[] length = bytes.clone();
        ByteBuffer.wrap(length).putInt(countAt + 4 + 17, 1 << 30);
        assertThatThrownBy(() -> CODEC.decode(length)).hasMessageContaining("payload length");
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButIllegalArgument() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(80)];
            random.nextBytes(bytes);
            if (bytes.length > 1 && random.nextBoolean()) {
                bytes[0] = 1;
                bytes[1] = (byte) (1 + random.nextInt(8));
            }
            try {
                CODEC.decode(bytes);
            } catch (IllegalArgumentException expected) {
                // fine
            }
        }
    }

    @Test
    void foreignMessagesAreNotEncoded() {
        assertThatThrownBy(() -> CODEC.encode(new ProtocolMessage() {})).isInstanceOf(IllegalArgumentException.class);
    }
}
