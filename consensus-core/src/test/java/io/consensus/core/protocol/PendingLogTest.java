package io.consensus.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.Ready;
import io.consensus.storage.memory.MemoryNodeStorage;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingLogTest {

    private final LogStorage stored = new MemoryNodeStorage().open(new GroupIdentity("c", "g", "test", "n1"));

    @Test
    void readsSeePendingWritesOverTheStoredLog() {
        stored.write(List.of(LogEntry.noop(1, 1), LogEntry.noop(2, 1), LogEntry.noop(3, 1)));
        PendingLog log = new PendingLog(stored);

        log.replaceSuffix(List.of(LogEntry.noop(2, 2)));

        assertThat(log.lastIndex()).isEqualTo(2);
        assertThat(log.entry(2).era()).isEqualTo(2);
        assertThat(log.entry(3)).as("truncated").isNull();
        assertThat(log.entries(1, 10, Long.MAX_VALUE)).extracting(LogEntry::era).containsExactly(1L, 2L);
    }

    @Test
    void drainHandsOverTruncationThenEntriesAndForgetsThem() {
        stored.write(List.of(LogEntry.noop(1, 1), LogEntry.noop(2, 1)));
        PendingLog log = new PendingLog(stored);
        log.replaceSuffix(List.of(LogEntry.noop(2, 3), LogEntry.noop(3, 3)));
        log.writeMetadata(new byte[] {7});

        PendingLog.Drained drained = log.drain();

        assertThat(drained.truncateFrom()).isEqualTo(2);
        assertThat(drained.entries()).extracting(LogEntry::index).containsExactly(2L, 3L);
        assertThat(drained.metadata()).containsExactly(7);
        assertThat(log.hasPending()).isFalse();
        assertThat(log.drain().truncateFrom()).isEqualTo(Ready.NO_TRUNCATION);
    }

    @Test
    void putReplacesOneIndexAndKeepsHoles() {
        PendingLog log = new PendingLog(stored);

        log.put(new LogEntry(5, 1, io.consensus.api.spi.EntryKind.NOOP, null));
        log.put(new LogEntry(3, 1, io.consensus.api.spi.EntryKind.NOOP, null));
        log.put(new LogEntry(3, 2, io.consensus.api.spi.EntryKind.NOOP, null));

        assertThat(log.entry(4)).isNull();
        assertThat(log.entry(3).era()).isEqualTo(2);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.drain().truncateFrom()).as("no truncation for puts").isEqualTo(Ready.NO_TRUNCATION);
    }
}
