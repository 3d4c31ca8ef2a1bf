package io.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import org.junit.jupiter.api.Test;

class TailCacheTest {

    private static LogEntry entry(long index, int payloadBytes) {
        return new LogEntry(index, 1, EntryKind.COMMANDS, new byte[payloadBytes]);
    }

    @Test
    void coversNothingUntilTheFirstAppendThenEverythingFromAfterTheRecoveredLog() {
        TailCache cache = new TailCache(1 << 20);
        assertThat(cache.covers(1)).isFalse();
        cache.appended(entry(11, 10), 10); // entries 1..10 were recovered from the file, not cached
        assertThat(cache.covers(10)).isFalse();
        assertThat(cache.covers(11)).isTrue();
        assertThat(cache.get(11)).isNotNull();
        assertThat(cache.covers(12)).isTrue();
        assertThat(cache.get(12)).as("a covered miss means absent").isNull();
    }

    @Test
    void anEntryReplacedBelowTheFloorIsNotCachedSoTheFileStaysAuthoritative() {
        TailCache cache = new TailCache(1 << 20);
        cache.appended(entry(6, 10), 5);
        cache.appended(entry(3, 10), 6); // a Paxos acceptor re-accepting slot 3
        assertThat(cache.covers(3)).isFalse();
        assertThat(cache.get(3)).isNull();
    }

    @Test
    void evictionDropsTheLowestEntriesAndRaisesTheFloor() {
        LogEntry sample = entry(1, 100);
        TailCache cache = new TailCache(3L * sample.sizeBytes());
        for (long i = 1; i <= 5; i++) {
            cache.appended(entry(i, 100), i - 1);
        }
        assertThat(cache.covers(2)).isFalse();
        assertThat(cache.covers(3)).isTrue();
        assertThat(cache.range(1, 10, Long.MAX_VALUE)).extracting(LogEntry::index).containsExactly(3L, 4L, 5L);
    }

    @Test
    void truncationRemovesTheSuffixAndKeepsTheCacheCompleteAboveIt() {
        TailCache cache = new TailCache(1 << 20);
        for (long i = 1; i <= 5; i++) {
            cache.appended(entry(i, 10), i - 1);
        }
        cache.removeFrom(3);
        assertThat(cache.get(3)).isNull();
        assertThat(cache.range(1, 10, Long.MAX_VALUE)).extracting(LogEntry::index).containsExactly(1L, 2L);
        cache.appended(entry(3, 20), 2);
        assertThat(cache.get(3).payload()).hasSize(20);
    }

    @Test
    void truncationBelowAnUninitialisedFloorStillMeansNothingAboveExists() {
        TailCache cache = new TailCache(1 << 20);
        cache.removeFrom(7);
        assertThat(cache.covers(7)).isTrue();
        assertThat(cache.covers(6)).isFalse();
    }

    @Test
    void compactionDropsThePrefixAndRangeHonoursTheByteLimit() {
        TailCache cache = new TailCache(1 << 20);
        for (long i = 1; i <= 5; i++) {
            cache.appended(entry(i, 100), i - 1);
        }
        cache.removeUpTo(2);
        assertThat(cache.get(2)).isNull();
        assertThat(cache.range(1, 10, 1)).extracting(LogEntry::index).as("at least one entry").containsExactly(3L);
        assertThat(cache.range(3, 5, Long.MAX_VALUE)).extracting(LogEntry::index).containsExactly(3L, 4L);
    }
}
