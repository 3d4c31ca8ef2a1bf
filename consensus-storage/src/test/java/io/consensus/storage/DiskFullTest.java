package io.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.StorageException;
import io.consensus.api.spi.StorageFullException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that finds the disk full is undone and the log stays usable; a force that fails, whatever
 * the reason, still poisons it. The disk fills up inside {@link PowerLossIo}, and every scenario ends
 * with a power loss, so whatever the undo left behind is what recovery sees.
 */
class DiskFullTest {

    private static final GroupIdentity A = new GroupIdentity("c", "a", "raft", "m1");
    private static final GroupIdentity B = new GroupIdentity("c", "b", "raft", "m1");

    @TempDir
    Path dir;

    private final PowerLossIo io = new PowerLossIo();

    private FileNodeStorage open(Path data, long segmentBytes) {
        return FileNodeStorage.open(data, "c", SyncMode.FSYNC, segmentBytes, io);
    }

    private static LogEntry entry(long index) {
        return new LogEntry(index, 1, EntryKind.COMMANDS, new byte[200 + (int) index]);
    }

    private static void write(LogStorage log, long from, long to) {
        for (long i = from; i <= to; i++) {
            log.write(List.of(entry(i)));
        }
    }

    private static void assertEntries(LogStorage log, long from, long to) {
        assertThat(log.entries(1, Long.MAX_VALUE, Long.MAX_VALUE)).extracting(LogEntry::index)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(from, to).boxed().toList());
        for (long i = from; i <= to; i++) {
            assertThat(log.entry(i).payload()).as("entry %d", i).isEqualTo(entry(i).payload());
        }
    }

    private static List<String> logFiles(Path data) throws Exception {
        try (Stream<Path> files = Files.list(data.resolve("log"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("segment")).sorted().toList();
        }
    }

    @Test
    void aWriteThatFindsNoSpaceIsUndoneAndWritesResumeOnceSpaceIsFreed() throws Exception {
        FileNodeStorage storage = open(dir, 1 << 20);
        LogStorage a = storage.open(A);
        LogStorage b = storage.open(B);
        write(a, 1, 5);
        storage.sync();
        write(a, 6, 6); // written, not yet synced: must survive the failure below
        Path segment = dir.resolve("log").resolve(Segment.fileName(1));
        long sizeBefore = Files.size(segment);

        io.fillDiskAfter(40); // a short write: part of entry 7's frame reaches the file
        assertThatThrownBy(() -> a.write(List.of(entry(7), entry(8))))
                .isInstanceOf(StorageFullException.class)
                .hasMessageContaining("no space left on device while appending to " + segment)
                .hasMessageContaining("; 0 bytes free");
        assertThat(Files.size(segment)).as("the partial write was cut off").isEqualTo(sizeBefore);
        assertThat(a.lastIndex()).isEqualTo(6);
        assertThat(a.entry(7)).isNull();
        assertThat(storage.full()).isTrue();
        assertThatThrownBy(() -> b.writeMetadata(new byte[] {1})).isInstanceOf(StorageFullException.class);
        assertThat(b.metadata()).isNull();

        storage.sync(); // not poisoned: makes entry 6 durable
        assertThat(storage.full()).as("no space freed yet").isTrue();
        io.freeDisk();
        assertThat(storage.full()).isFalse();
        a.write(List.of(entry(7), entry(8)));
        b.writeMetadata(new byte[] {1});
        storage.sync();

        io.crash(null);
        try (FileNodeStorage reopened = open(dir, 1 << 20)) {
            assertThat(reopened.repairs()).isEmpty();
            assertEntries(reopened.open(A), 1, 8);
            assertThat(reopened.open(B).metadata()).containsExactly(1);
        }
    }

    @Test
    void aRollThatFindsNoSpaceLeavesNoNewSegmentBehind() throws Exception {
        long rollsAt = firstEntryInSegmentTwo(dir.resolve("layout"));
        int header = new SegmentHeader(2, "c").bytes();
        // No room for the new segment's header; for its checkpoint; for part of the checkpoint.
        for (long room : new long[] {0, header, header + 10}) {
            Path data = dir.resolve("room-" + room);
            FileNodeStorage storage = open(data, 4096);
            LogStorage a = storage.open(A);
            write(a, 1, rollsAt - 1);
            long sizeBefore = Files.size(data.resolve("log").resolve(Segment.fileName(1)));

            io.fillDiskAfter(room);
            assertThatThrownBy(() -> a.write(List.of(entry(rollsAt)))).as("room %d", room)
                    .isInstanceOf(StorageFullException.class);
            assertThat(logFiles(data)).as("room %d", room).containsExactly(Segment.fileName(1));
            assertThat(Files.size(data.resolve("log").resolve(Segment.fileName(1)))).isEqualTo(sizeBefore);

            io.freeDisk();
            write(a, rollsAt, rollsAt + 1);
            storage.sync();
            assertThat(logFiles(data)).contains(Segment.fileName(2));
            io.crash(null);
            try (FileNodeStorage reopened = open(data, 4096)) {
                assertEntries(reopened.open(A), 1, rollsAt + 1);
            }
        }
    }

    /** The index of the first entry written into segment 2 when writing one entry at a time. */
    private long firstEntryInSegmentTwo(Path data) throws Exception {
        try (FileNodeStorage storage = open(data, 4096)) {
            LogStorage a = storage.open(A);
            for (long i = 1; ; i++) {
                a.write(List.of(entry(i)));
                if (logFiles(data).size() > 1) {
                    return i;
                }
            }
        }
    }

    @Test
    void aForceThatFindsNoSpaceStillPoisonsTheStorage() throws Exception {
        FileNodeStorage storage = open(dir, 1 << 20);
        LogStorage a = storage.open(A);
        write(a, 1, 2);
        storage.sync();
        write(a, 3, 3);
        // A network file system may report ENOSPC only at fsync: the pages may be gone, so never retried.
        io.failNextForce("No space left on device");
        assertThatThrownBy(storage::sync).isInstanceOf(StorageException.class)
                .isNotInstanceOf(StorageFullException.class);
        assertThatThrownBy(() -> a.write(List.of(entry(4)))).isInstanceOf(StorageException.class)
                .isNotInstanceOf(StorageFullException.class).hasMessageContaining("failed earlier");
        assertThat(storage.full()).isFalse();
        storage.close();

        io.crash(null);
        try (FileNodeStorage reopened = open(dir, 1 << 20)) {
            assertEntries(reopened.open(A), 1, 2);
        }
    }
}
