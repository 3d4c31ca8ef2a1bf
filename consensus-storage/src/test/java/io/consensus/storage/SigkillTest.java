package io.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.SnapshotMeta;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM with SIGKILL while it appends and syncs, twenty times over the same directory, and
 * checks that every index it reported durable is present and intact (or covered by a snapshot).
 */
class SigkillTest {

    private static final int RUNS = 20;

    @TempDir
    Path dir;

    @Test
    void everyIndexReportedDurableBeforeASigkillIsPresentAndIntact() throws Exception {
        Random random = new Random(20);
        Map<String, List<Long>> reported = new TreeMap<>();
        SigkillChild.GROUPS.forEach(g -> reported.put(g, new ArrayList<>()));
        Path data = dir.resolve("data");
        for (int run = 0; run < RUNS; run++) {
            Path stderr = dir.resolve("child-" + run + ".err");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-cp", System.getProperty("java.class.path"), SigkillChild.class.getName(), data.toString())
                    .redirectError(stderr.toFile()).start();
            int killAfterLines = 1 + random.nextInt(80);
            int lines = 0;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    String[] parts = line.split(" ");
                    reported.get(parts[0]).add(Long.parseLong(parts[1]));
                    if (++lines == killAfterLines) {
                        // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the
                        // pipe, losing lines the child printed (after a completed sync) just before it died.
                        child.toHandle().destroyForcibly();
                    }
                }
            } finally {
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(lines).as("run %d: the child printed nothing; its stderr: %s", run, Files.readString(stderr))
                    .isPositive();
            check(data, reported, run);
        }
    }

    private static void check(Path data, Map<String, List<Long>> reported, int run) {
        try (FileNodeStorage storage = FileNodeStorage.open(data, "c", SyncMode.FSYNC, 64 << 10)) {
            for (String group : SigkillChild.GROUPS) {
                LogStorage log = storage.open(SigkillChild.identity(group));
                long covered = log.latestSnapshot().map(SnapshotMeta::index).orElse(0L);
                for (long index : reported.get(group)) {
                    if (index > covered) {
                        LogEntry entry = log.entry(index);
                        assertThat(entry).as("run %d: group %s index %d was reported durable", run, group, index)
                                .isNotNull();
                        assertThat(entry.payload()).isEqualTo(SigkillChild.payload(group, index));
                    }
                }
                for (LogEntry e : log.entries(1, Long.MAX_VALUE, Long.MAX_VALUE)) {
                    assertThat(e.payload()).as("run %d: group %s index %d", run, group, e.index())
                            .isEqualTo(SigkillChild.payload(group, e.index()));
                }
                assertThat(log.firstIndex()).as("run %d: no gap after the snapshot", run)
                        .isLessThanOrEqualTo(covered + 1);
            }
        }
    }
}
