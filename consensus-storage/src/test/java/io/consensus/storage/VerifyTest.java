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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyTest {

    @TempDir
    Path dir;

    @BeforeEach
    void writeALog() throws Exception {
        try (FileNodeStorage storage = FileNodeStorage.open(dir, "c", SyncMode.FSYNC, 4096)) {
            LogStorage log = storage.open(new GroupIdentity("c", "a", "raft", "m1"));
            for (long i = 1; i <= 100; i++) {
                log.write(List.of(new LogEntry(i, 1, EntryKind.COMMANDS, new byte[50])));
            }
            SnapshotMeta meta = new SnapshotMeta(10, 1, 10, Membership.ofVoters(Set.of(Member.local("m1"))));
            try (SnapshotStore.Writer writer = log.snapshots().begin(meta)) {
                writer.output().write(new byte[5000]);
                writer.install();
            }
            log.compactUpTo(10);
        }
    }

    private String run(int expectedExitCode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Verify.run(dir, new PrintStream(out, true))).isEqualTo(expectedExitCode);
        return out.toString();
    }

    @Test
    void anIntactDirectoryPassesWithASummary() {
        assertThat(run(0)).contains("OK", "group 'a' (raft, member m1)", "compacted to 10",
                "snapshot of group 'a' at index 10");
    }

    @Test
    void aDamagedRecordIsReportedWithFileAndOffset() throws Exception {
        Path segment = dir.resolve("log").resolve(Segment.fileName(2));
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(200);
            file.write(file.read() ^ 0x20);
        }
        assertThat(run(1)).contains("CORRUPT", segment.toString(), "offset");
    }

    @Test
    void aDamagedSnapshotIsReported() throws Exception {
        Path snapshot = FileSnapshotStore.list(dir.resolve("snapshots").resolve("a")).firstEntry().getValue();
        try (RandomAccessFile file = new RandomAccessFile(snapshot.toFile(), "rw")) {
            file.seek(file.length() - 1);
            file.write(7);
        }
        assertThat(run(1)).contains("CORRUPT", snapshot.toString(), "checksum mismatch");
    }

    @Test
    void aTornTailIsReportedButIsNotCorruption() throws Exception {
        Path last = LogRecovery.listSegments(dir.resolve("log"), null).lastEntry().getValue();
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
            file.setLength(file.length() - 3);
        }
        assertThat(run(0)).contains("WARN", last.toString(), "torn");
    }

    @Test
    void anUnreadableDirectoryIsAnError() {
        dir = dir.resolve("missing");
        assertThat(run(2)).contains("ERROR");
    }
}
