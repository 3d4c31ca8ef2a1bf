package io.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The active segment is kept zero-filled ahead of its end so that syncs overwrite allocated blocks;
 * these zeros must never read as records, as a torn tail or as corruption, and only the newest
 * segment may have them.
 */
class PreallocationTest {

    private static final GroupIdentity GROUP = new GroupIdentity("c", "g", "raft", "m1");
    private static final long SEGMENT_BYTES = 256 << 10;
    private static final long AHEAD_BYTES = 64 << 10;

    @TempDir
    Path dir;

    private FileNodeStorage open(Path data) {
        return FileNodeStorage.open(data, "c", SyncMode.FSYNC, SEGMENT_BYTES, FileIo.DEFAULT, AHEAD_BYTES);
    }

    private static LogEntry entry(long index) {
        byte[] payload = new byte[100];
        Arrays.fill(payload, (byte) (1 + index % 255)); // never a zero byte
        return new LogEntry(index, 1, EntryKind.COMMANDS, payload);
    }

    private static void write(FileNodeStorage storage, LogStorage log, long from, long to) {
        for (long i = from; i <= to; i++) {
            log.write(List.of(entry(i)));
        }
        storage.sync();
    }

    private Path activeSegment(Path data) throws IOException {
        return LogRecovery.listSegments(data.resolve("log"), null).lastEntry().getValue();
    }

    /** A copy of a running node's files: what a crash (with the page cache surviving) leaves. */
    private Path crashCopy(Path data) throws IOException {
        Path copy = Files.createDirectories(dir.resolve("crash-" + System.nanoTime()));
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.toList()) {
                if (!file.getFileName().toString().equals("LOCK")) {
                    Path target = copy.resolve(data.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target);
                    }
                }
            }
        }
        return copy;
    }

    /**
     * Writes entries 1 to {@code beforeZeros}, waits for zeros ahead of them, writes on to {@code last}
     * and returns the files as a crash would leave them.
     */
    private Path crashWithZerosAhead(long beforeZeros, long last) throws IOException {
        Path data = dir.resolve("data");
        try (FileNodeStorage storage = open(data)) {
            LogStorage log = storage.open(GROUP);
            write(storage, log, 1, beforeZeros);
            Path active = activeSegment(data);
            await().atMost(Duration.ofSeconds(10)).until(() -> hasZerosAhead(active));
            write(storage, log, beforeZeros + 1, last);
            return crashCopy(data);
        }
    }

    private static String verify(Path data, int expectedExit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Verify.run(data, new PrintStream(out, true))).isEqualTo(expectedExit);
        return out.toString();
    }

    @Test
    void aCrashWithZerosAheadOfTheEndLosesNothingAndRepairsNothing() throws Exception {
        Path crashed = crashWithZerosAhead(50, 60); // entries 51 to 60 landed in the zeros
        assertThat(verify(crashed, 0)).contains("OK").doesNotContain("torn");
        try (FileNodeStorage reopened = open(crashed)) {
            assertThat(reopened.repairs()).isEmpty();
            LogStorage log = reopened.open(GROUP);
            assertThat(log.lastIndex()).isEqualTo(60);
            for (long i = 1; i <= 60; i++) {
                assertThat(log.entry(i).payload()).isEqualTo(entry(i).payload());
            }
            write(reopened, log, 61, 70); // and it goes on writing over the zeros it found
            assertThat(log.entry(70).payload()).isEqualTo(entry(70).payload());
        }
    }

    @Test
    void onlyTheNewestSegmentEndsInZerosAndACleanCloseCutsThemToo() throws Exception {
        Path data = dir.resolve("data");
        try (FileNodeStorage storage = open(data)) {
            LogStorage log = storage.open(GROUP);
            write(storage, log, 1, 8_000); // about 1 MiB: several segments
        }
        List<Path> segments = List.copyOf(LogRecovery.listSegments(data.resolve("log"), null).values());
        assertThat(segments).hasSizeGreaterThan(2);
        for (Path segment : segments) {
            try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
                int dataStart = SegmentHeader.read(channel, segment).bytes();
                long end = SegmentScanner.scan(channel, segment, dataStart, true, (frame, at, offset, bytes) -> { }).end();
                assertThat(end).as("where the records of %s end", segment).isEqualTo(channel.size());
            }
        }
        assertThat(verify(data, 0)).contains("OK").doesNotContain("torn");
    }

    @Test
    void zerosAtTheEndOfAnOlderSegmentAreCorruption() throws Exception {
        Path data = dir.resolve("data");
        try (FileNodeStorage storage = open(data)) {
            write(storage, storage.open(GROUP), 1, 4_000);
        }
        Path first = LogRecovery.listSegments(data.resolve("log"), null).firstEntry().getValue();
        try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
            file.setLength(file.length() + 4096);
        }
        assertThat(verify(data, 1)).contains("CORRUPT", first.toString());
    }

    @Test
    void aRecordTornInsideTheZerosIsATornTail() throws Exception {
        Path crashed = crashWithZerosAhead(20, 20);
        Path active = activeSegment(crashed);
        long end = firstZeroRun(Files.readAllBytes(active));
        try (RandomAccessFile file = new RandomAccessFile(active.toFile(), "rw")) {
            file.seek(end); // half a record's header where the next record would have gone
            file.write(new byte[] {0, 0, 0, 90, 1, 2});
        }
        try (FileNodeStorage reopened = open(crashed)) {
            assertThat(reopened.repairs()).singleElement().asString().contains("torn");
            assertThat(reopened.open(GROUP).lastIndex()).isEqualTo(20);
        }
    }

    private static boolean hasZerosAhead(Path segment) throws IOException {
        byte[] bytes = Files.readAllBytes(segment);
        return firstZeroRun(bytes) < bytes.length;
    }

    /** Where the run of zeros that ends the file starts (entries' payloads never end in a zero here). */
    private static long firstZeroRun(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }
}
