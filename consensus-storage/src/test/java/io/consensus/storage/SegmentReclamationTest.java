package io.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.SyncMode;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segments roll, and are deleted once compaction or rewrites leave nothing live in them. */
class SegmentReclamationTest {

    private static final GroupIdentity A = new GroupIdentity("c", "a", "raft", "m1");
    private static final GroupIdentity B = new GroupIdentity("c", "b", "raft", "m1");

    @TempDir
    Path dir;

    private FileNodeStorage open() {
        return FileNodeStorage.open(dir, "c", SyncMode.FSYNC, 4096);
    }

    private static LogEntry entry(long index) {
        return new LogEntry(index, 3, EntryKind.COMMANDS, new byte[100]);
    }

    private List<Integer> segments() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            return files.map(p -> Segment.parseSeq(p.getFileName().toString())).filter(s -> s > 0).sorted().toList();
        }
    }

    private static void snapshotAndCompact(LogStorage log, long index) throws Exception {
        SnapshotMeta meta = new SnapshotMeta(index, 3, index, Membership.ofVoters(Set.of(Member.local("m1"))));
        try (SnapshotStore.Writer writer = log.snapshots().begin(meta)) {
            writer.install();
        }
        log.compactUpTo(index);
    }

    @Test
    void compactedSegmentsAreDeletedAndMetadataWrittenLongAgoSurvives() throws Exception {
        try (FileNodeStorage storage = open()) {
            LogStorage log = storage.open(A);
            log.writeMetadata(new byte[] {42});
            for (long i = 1; i <= 300; i++) {
                log.write(List.of(entry(i)));
            }
            storage.sync();
            assertThat(segments().size()).isGreaterThan(5);
            snapshotAndCompact(log, 295);
            storage.sync();
            assertThat(segments()).hasSizeLessThanOrEqualTo(2);
            assertThat(segments().get(0)).isGreaterThan(5);
            assertThat(log.entries(1, 400, Long.MAX_VALUE)).extracting(LogEntry::index)
                    .containsExactly(296L, 297L, 298L, 299L, 300L);
        }
        try (FileNodeStorage storage = open()) {
            LogStorage log = storage.open(A);
            assertThat(log.metadata()).containsExactly(42);
            assertThat(log.firstIndex()).isEqualTo(296);
            assertThat(log.lastIndex()).isEqualTo(300);
            assertThat(log.entry(296).era()).isEqualTo(3);
        }
    }

    @Test
    void aGroupWithALiveEntryInTheOldestSegmentPinsItUntilItLetsGo() throws Exception {
        try (FileNodeStorage storage = open()) {
            LogStorage a = storage.open(A);
            LogStorage b = storage.open(B);
            b.write(List.of(entry(1)));
            for (long i = 1; i <= 200; i++) {
                a.write(List.of(entry(i)));
            }
            snapshotAndCompact(a, 200);
            storage.sync();
            assertThat(segments()).startsWith(1).hasSizeGreaterThan(3);

            b.truncateFrom(1);
            storage.sync(); // makes the truncation durable, then deletes what it killed
            assertThat(segments()).hasSize(1);
        }
        try (FileNodeStorage storage = open()) {
            assertThat(storage.open(B).lastIndex()).isZero();
            assertThat(storage.open(A).lastIndex()).isEqualTo(200);
            assertThat(storage.open(A).firstIndex()).isEqualTo(201);
        }
    }

    @Test
    void aGroupWithLiveEntriesBehindTheNewestSegmentsIsNamedAsPinningThem() throws Exception {
        try (FileNodeStorage storage = open()) {
            LogStorage idle = storage.open(A);
            LogStorage busy = storage.open(B);
            idle.write(List.of(entry(1), entry(2)));
            long next = 1;
            while (segments().size() <= FileNodeStorage.KEPT_SEGMENTS) {
                busy.write(List.of(entry(next++)));
            }
            assertThat(storage.groupsPinningSegments()).as("the busy group's first entries are old too")
                    .containsExactly("a", "b");
            snapshotAndCompact(busy, next - 1);
            assertThat(storage.groupsPinningSegments()).containsExactly("a");
            storage.sync();
            assertThat(segments()).as("the idle group pins the first segment, so every later one").startsWith(1);

            snapshotAndCompact(idle, 2);
            assertThat(storage.groupsPinningSegments()).isEmpty();
            storage.sync();
            assertThat(segments()).hasSize(1).first().isNotEqualTo(1);
        }
    }

    @Test
    void rewrittenEntriesReleaseTheirOldSegment() throws Exception {
        try (FileNodeStorage storage = open()) {
            LogStorage log = storage.open(A);
            for (long i = 1; i <= 60; i++) {
                log.write(List.of(entry(i)));
            }
            for (long i = 1; i <= 60; i++) {
                log.write(List.of(new LogEntry(i, 4, EntryKind.NOOP, new byte[100])));
            }
            storage.sync();
            assertThat(segments().get(0)).as("the first copies are superseded everywhere").isGreaterThan(1);
        }
        try (FileNodeStorage storage = open()) {
            assertThat(storage.open(A).entries(1, 61, Long.MAX_VALUE)).hasSize(60).allSatisfy(e ->
                    assertThat(e.era()).isEqualTo(4));
        }
    }
}
