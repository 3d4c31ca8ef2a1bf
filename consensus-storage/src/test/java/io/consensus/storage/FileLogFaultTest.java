package io.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.StorageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged files under the file log: torn tails are cut with a WARN, everything else refuses to open. */
class FileLogFaultTest {

    private static final GroupIdentity A = new GroupIdentity("c", "a", "raft", "m1");

    @TempDir
    Path dir;

    private FileNodeStorage open(long segmentBytes) {
        return FileNodeStorage.open(dir, "c", SyncMode.FSYNC, segmentBytes);
    }

    private static LogEntry entry(long index) {
        return new LogEntry(index, 1, EntryKind.COMMANDS, ("entry " + index + " " + "x".repeat((int) index % 50))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void assertIntact(LogStorage log, long from, long to) {
        for (long i = from; i <= to; i++) {
            assertThat(log.entry(i)).as("entry %d", i).isNotNull();
            assertThat(log.entry(i).payload()).isEqualTo(entry(i).payload());
        }
    }

    private Path segment(int seq) {
        return dir.resolve("log").resolve(Segment.fileName(seq));
    }

    /** Offsets of every record in a segment, from a scan of the intact file. */
    private static List<Long> recordOffsets(Path segment) throws Exception {
        List<Long> offsets = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            SegmentHeader header = SegmentHeader.read(channel, segment);
            SegmentScanner.scan(channel, segment, header.bytes(), true,
                    (frame, at, offset, bytes) -> offsets.add(offset));
        }
        return offsets;
    }

    @Test
    void cuttingTheLastRecordAtEveryOffsetKeepsEveryEarlierOneAndWarns() throws Exception {
        PowerLossIo io = new PowerLossIo();
        FileNodeStorage storage = FileNodeStorage.open(dir, "c", SyncMode.FSYNC, 1 << 20, io);
        LogStorage log = storage.open(A);
        for (long i = 1; i <= 5; i++) {
            log.write(List.of(entry(i)));
            storage.sync();
        }
        log.write(List.of(entry(6)));
        storage.sync();
        io.killProcess(); // the last record is entry 6

        byte[] intact = Files.readAllBytes(segment(1));
        long lastStart = recordOffsets(segment(1)).get(recordOffsets(segment(1)).size() - 1);
        for (int cut = (int) lastStart; cut < intact.length; cut++) {
            Files.write(segment(1), java.util.Arrays.copyOf(intact, cut));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream systemErr = System.err;
            System.setErr(new PrintStream(err, true));
            try (FileNodeStorage reopened = open(1 << 20)) {
                LogStorage recovered = reopened.open(A);
                assertIntact(recovered, 1, 5);
                assertThat(recovered.entry(6)).isNull();
                assertThat(recovered.lastIndex()).isEqualTo(5);
                if (cut == lastStart) {
                    assertThat(reopened.repairs()).as("cut at a record boundary").isEmpty();
                } else {
                    assertThat(reopened.repairs()).singleElement().asString()
                            .contains(segment(1).toString(), "offset " + lastStart, "torn");
                    assertThat(err.toString()).contains("WARN", segment(1).toString(), "offset " + lastStart);
                }
            } finally {
                System.setErr(systemErr);
            }
        }
        try (FileNodeStorage reopened = open(1 << 20)) {
            assertThat(reopened.repairs()).as("the truncation was made durable").isEmpty();
            reopened.open(A).write(List.of(entry(6)));
        }
        try (FileNodeStorage reopened = open(1 << 20)) {
            assertIntact(reopened.open(A), 1, 6);
        }
    }

    @Test
    void aFlippedBitInAnyButTheLastRecordFailsOpenNamingFileAndOffset() throws Exception {
        try (FileNodeStorage storage = open(4096)) {
            LogStorage log = storage.open(A);
            for (long i = 1; i <= 250; i++) {
                log.write(List.of(entry(i)));
                if (i % 7 == 0) {
                    storage.sync();
                }
            }
            log.writeMetadata(new byte[] {1, 2});
        } // a clean close ends with a sync marker vouching for every record before it
        int segments = 0;
        while (Files.exists(segment(segments + 1))) {
            segments++;
        }
        assertThat(segments).as("several segments").isGreaterThan(3);
        Random random = new Random(11);
        for (int trial = 0; trial < 40; trial++) {
            int seq = 1 + random.nextInt(segments);
            Path file = segment(seq);
            List<Long> offsets = recordOffsets(file);
            int record = random.nextInt(seq == segments ? offsets.size() - 1 : offsets.size());
            long start = offsets.get(record);
            long end = record + 1 < offsets.size() ? offsets.get(record + 1) : Files.size(file);
            long at = start + random.nextInt((int) (end - start));
            int bit = 1 << random.nextInt(8);
            flip(file, at, bit);
            try {
                assertThatThrownBy(() -> open(4096).close()).as("flip at %s offset %d", file, at)
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining(file.toString() + " offset " + start + ":");
            } finally {
                flip(file, at, bit);
            }
        }
        try (FileNodeStorage intact = open(4096)) {
            assertIntact(intact.open(A), 1, 250);
        }
    }

    @Test
    void aBadRecordBeforeOneASyncMarkerVouchesForIsCorruptionButAfterItATornTail() throws Exception {
        PowerLossIo io = new PowerLossIo();
        FileNodeStorage storage = FileNodeStorage.open(dir, "c", SyncMode.FSYNC, 1 << 20, io);
        LogStorage log = storage.open(A);
        log.write(List.of(entry(1), entry(2)));
        storage.sync();
        log.write(List.of(entry(3)));
        log.write(List.of(entry(4)));
        io.killProcess();
        // Nothing after entry 2 was acknowledged: as if entry 3's page never reached the disk but 4's did.
        List<Long> offsets = recordOffsets(segment(1));
        long third = offsets.get(offsets.size() - 2);
        flip(segment(1), third + 20, 0xFF);
        try (FileNodeStorage reopened = open(1 << 20)) {
            assertThat(reopened.repairs()).singleElement().asString().contains("offset " + third);
            LogStorage recovered = reopened.open(A);
            assertIntact(recovered, 1, 2);
            assertThat(recovered.lastIndex()).isEqualTo(2);
            recovered.write(List.of(entry(3)));
            reopened.sync();
            recovered.write(List.of(entry(4))); // starts with a marker vouching for entry 3
        }
        offsets = recordOffsets(segment(1));
        long firstAfterRepair = offsets.stream().filter(o -> o >= third).findFirst().orElseThrow();
        flip(segment(1), firstAfterRepair + 40, 0x01);
        assertThatThrownBy(() -> open(1 << 20)).isInstanceOf(StorageException.class)
                .hasMessageContaining("offset " + firstAfterRepair + ":").hasMessageContaining("corruption");
    }

    @Test
    void aSegmentOfAnotherFormatVersionClusterOrNumberIsRefused() throws Exception {
        try (FileNodeStorage storage = open(4096)) {
            storage.open(A).write(List.of(entry(1)));
        }
        flip(segment(1), 5, 0x02); // version 1 -> 3
        assertThatThrownBy(() -> open(4096)).isInstanceOf(StorageException.class)
                .hasMessageContaining(segment(1).toString()).hasMessageContaining("format version 3");
        flip(segment(1), 5, 0x02);
        flip(segment(1), 0, 0x40);
        assertThatThrownBy(() -> open(4096)).isInstanceOf(StorageException.class)
                .hasMessageContaining(segment(1).toString()).hasMessageContaining("not a consensus log segment");
        flip(segment(1), 0, 0x40);
        assertThatThrownBy(() -> FileNodeStorage.open(dir, "other", SyncMode.FSYNC, 4096))
                .isInstanceOf(StorageException.class).hasMessageContaining("belongs to cluster 'c', not 'other'");
        Files.move(segment(1), segment(2));
        assertThatThrownBy(() -> open(4096)).isInstanceOf(StorageException.class)
                .hasMessageContaining("header says segment 1");
        Files.move(segment(2), segment(1));
        try (FileNodeStorage storage = open(4096)) {
            assertIntact(storage.open(A), 1, 1);
        }
    }

    @Test
    void aMissingSegmentFailsOpen() throws Exception {
        try (FileNodeStorage storage = open(4096)) {
            LogStorage log = storage.open(A);
            for (long i = 1; i <= 200; i++) {
                log.write(List.of(entry(i)));
            }
        }
        assertThat(segment(4)).exists();
        Files.delete(segment(2));
        assertThatThrownBy(() -> open(4096)).isInstanceOf(StorageException.class)
                .hasMessageContaining(segment(2) + " is missing");
    }

    @Test
    void aFailedForcePoisonsTheStorage() throws Exception {
        PowerLossIo io = new PowerLossIo();
        FileNodeStorage storage = FileNodeStorage.open(dir, "c", SyncMode.FSYNC, 1 << 20, io);
        LogStorage log = storage.open(A);
        log.write(List.of(entry(1)));
        storage.sync();
        log.write(List.of(entry(2)));
        io.failNextForce();
        assertThatThrownBy(storage::sync).isInstanceOf(StorageException.class).hasMessageContaining("injected");
        // Never retried as if the data were safe: every later write and sync fails.
        assertThatThrownBy(storage::sync).isInstanceOf(StorageException.class).hasMessageContaining("failed earlier");
        assertThatThrownBy(() -> log.write(List.of(entry(3)))).isInstanceOf(StorageException.class)
                .hasMessageContaining("failed earlier");
        assertThatThrownBy(() -> log.writeMetadata(new byte[1])).isInstanceOf(StorageException.class);
        storage.close();

        io.crash(null);
        try (FileNodeStorage reopened = FileNodeStorage.open(dir, "c", SyncMode.FSYNC, 1 << 20, io)) {
            LogStorage recovered = reopened.open(A);
            assertIntact(recovered, 1, 1);
            assertThat(recovered.lastIndex()).isEqualTo(1);
        }
    }

    @Test
    void aSecondStorageOnTheSameDirectoryIsRefused() {
        try (FileNodeStorage storage = open(4096)) {
            assertThatThrownBy(() -> open(4096)).isInstanceOf(StorageException.class).hasMessageContaining("in use");
            assertThat(storage.durable()).isTrue();
        }
        open(4096).close();
    }

    @Test
    void aDamagedSnapshotIsNeverHandedOut() throws Exception {
        io.consensus.api.spi.SnapshotMeta meta = new io.consensus.api.spi.SnapshotMeta(1, 1, 1,
                io.consensus.api.Membership.ofVoters(java.util.Set.of(io.consensus.api.Member.local("m1"))));
        Path file;
        try (FileNodeStorage storage = open(4096)) {
            LogStorage log = storage.open(A);
            try (var writer = log.snapshots().begin(meta)) {
                writer.output().write(new byte[10_000]);
                writer.install();
            }
            file = FileSnapshotStore.list(dir.resolve("snapshots").resolve("a")).firstEntry().getValue();
            flip(file, Files.size(file) - 100, 0x10);
            assertThatThrownBy(() -> log.snapshots().open(meta)).isInstanceOf(StorageException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("checksum mismatch");
            flip(file, Files.size(file) - 100, 0x10);
        }
        flip(file, 30, 0x01);
        try (FileNodeStorage storage = open(4096)) {
            assertThatThrownBy(() -> storage.open(A)).isInstanceOf(StorageException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("header checksum mismatch");
        }
    }

    private static void flip(Path file, long offset, int mask) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            channel.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ mask));
            b.rewind();
            channel.write(b, offset);
        }
    }
}
