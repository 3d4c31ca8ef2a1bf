package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZabCodecTest {

    private static final ZabCodec CODEC = ZabCodec.INSTANCE;

    static final History HISTORY = new History(10, 2, 25, 4,
            List.of(new EpochRange(3, 11, 20), new EpochRange(4, 21, 25)));

    static List<ZabMessage> samples() {
        List<LogEntry> entries = List.of(new LogEntry(8, 3, EntryKind.COMMANDS, new byte[] {1, 2, 3}),
                new LogEntry(9, 3, EntryKind.CONFIG, new byte[0]), LogEntry.noop(10, 4));
        return List.of(
                new Notification(7, PeerState.LOOKING, true, new Vote("b", 3, 3, 42), 4),
                new Notification(0, PeerState.LEADING, false, new Vote("ü-ñ", 0, 0, 0), 0),
                new FollowerInfo(5, false), new FollowerInfo(0, true),
                new NewEpoch(6),
                new AckEpoch(6, 5, true, HISTORY),
                new AckEpoch(1, 0, false, new History(0, 0, 0, 0, List.of())),
                new Diff(6, 25, 4), new Trunc(6, 20, 3), new Snap(6, 100, 5),
                new Proposal(6, 7, 3, entries, 5), new Proposal(6, 12, 4, List.of(), 12),
                new NewLeader(6, 26), new Ack(6, 30, true), new Ack(6, 3, false),
                new UpToDate(6, 26), new Commit(6, 31), new Ping(6, 31, 99), new PingAck(6, 99, true),
                new Resync(6, HISTORY), new TakeOver(6), new TakingOver(6), new Quiesce(6, 31), new Quiesce(0, 0));
    }

    @Test
    void everyMessageRoundTrips() {
        for (ZabMessage message : samples()) {
            ProtocolMessage decoded = CODEC.decode(CODEC.encode(message));
            assertThat(render(decoded)).as(message.toString()).isEqualTo(render(message));
        }
    }

    /** Records compare arrays by identity: render entries with their bytes. */
    private static String render(ProtocolMessage message) {
        if (message instanceof Proposal p) {
            StringBuilder text = new StringBuilder(p.epoch() + "/" + p.prevIndex() + "/" + p.prevEra() + "/" + p.commitIndex());
            for (LogEntry entry : p.entries()) {
                text.append(' ').append(entry).append(Arrays.toString(entry.payload()));
            }
            return text.toString();
        }
        return message.toString();
    }

    @Test
    void truncatedMessagesAreRejectedNamingTheProblem() {
        for (ZabMessage message : samples()) {
            byte[] bytes = CODEC.encode(message);
            for (int length = 0; length < bytes.length; length++) {
                byte[] cut = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> CODEC.decode(cut)).as(message + " cut at " + length)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageMatching("(?s).+");
            }
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] bytes = CODEC.encode(new Commit(1, 2));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> CODEC.decode(longer)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void unknownVersionTypeAndEnumAreRejected() {
        byte[] bytes = CODEC.encode(new Commit(1, 2));
        bytes[0] = 9;
        assertThatThrownBy(() -> CODEC.decode(bytes)).hasMessageContaining("version 9");
        byte[] type = CODEC.encode(new Commit(1, 2));
        type[1] = 99;
        assertThatThrownBy(() -> CODEC.decode(type)).hasMessageContaining("type 99");
        byte[] state = CODEC.encode(new Notification(1, PeerState.LOOKING, true, new Vote("a", 0, 0, 0), 0));
        state[10] = 7;
        assertThatThrownBy(() -> CODEC.decode(state)).hasMessageContaining("state 7");
    }

    @Test
    void negativeFieldsAndBadShapesAreRejected() {
        byte[] negative = CODEC.encode(new Commit(1, 2));
        negative[2] = (byte) 0x80; // epoch's sign bit
        assertThatThrownBy(() -> CODEC.decode(negative)).hasMessageContaining("epoch").hasMessageContaining("negative");
        byte[] quiesce = CODEC.encode(new Quiesce(1, 2));
        quiesce[2 + 8] = (byte) 0x80; // the commit index's sign bit
        assertThatThrownBy(() -> CODEC.decode(quiesce)).hasMessageContaining("quiesce commit index")
                .hasMessageContaining("negative");
        byte[] kind = CODEC.encode(new Proposal(1, 0, 0, List.of(LogEntry.noop(1, 1)), 0));
        kind[2 + 32 + 4 + 16] = 42; // the entry's kind byte
        assertThatThrownBy(() -> CODEC.decode(kind)).hasMessageContaining("unknown kind 42");
        byte[] order = CODEC.encode(new Resync(1, new History(0, 0, 9, 2,
                List.of(new EpochRange(2, 1, 4), new EpochRange(1, 5, 9)))));
        assertThatThrownBy(() -> CODEC.decode(order)).hasMessageContaining("not ordered");
        assertThatThrownBy(() -> CODEC.encode(new ProtocolMessage() {})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void proposalIndexesMustBeConsecutive() {
        byte[] bytes = CODEC.encode(new Proposal(1, 4, 1, List.of(LogEntry.noop(5, 1)), 0));
        bytes[2 + 32 + 4 + 7] = 9; // the entry's index becomes 9
        assertThatThrownBy(() -> CODEC.decode(bytes)).hasMessageContaining("expected 5");
    }
}
