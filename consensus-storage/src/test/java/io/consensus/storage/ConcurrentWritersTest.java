package io.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Groups append from their own threads while others sync: one log, group commit, nothing mixed up. */
class ConcurrentWritersTest {

    @TempDir
    Path dir;

    @Test
    void groupsWritingAndSyncingFromManyThreadsAllSurvive() throws Exception {
        int groups = 4;
        int perGroup = 400;
        PowerLossIo io = new PowerLossIo();
        ExecutorService pool = Executors.newFixedThreadPool(groups);
        try {
            FileNodeStorage storage = FileNodeStorage.open(dir, "c", SyncMode.FSYNC, 64 << 10, io);
            List<Future<?>> done = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                LogStorage log = storage.open(new GroupIdentity("c", "g" + g, "raft", "m1"));
                int group = g;
                done.add(pool.submit(() -> {
                    for (long i = 1; i <= perGroup; i++) {
                        log.write(List.of(new LogEntry(i, group, EntryKind.COMMANDS, payload(group, i))));
                        storage.sync();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            long forcesBefore = io.forces();
            io.crash(null); // only what a completed sync covered remains: every entry
            try (FileNodeStorage reopened = FileNodeStorage.open(dir, "c", SyncMode.FSYNC, 64 << 10, io)) {
                for (int g = 0; g < groups; g++) {
                    LogStorage log = reopened.open(new GroupIdentity("c", "g" + g, "raft", "m1"));
                    List<LogEntry> entries = log.entries(1, perGroup + 1, Long.MAX_VALUE);
                    assertThat(entries).hasSize(perGroup);
                    for (LogEntry e : entries) {
                        assertThat(e.era()).isEqualTo(g);
                        assertThat(e.payload()).isEqualTo(payload(g, e.index()));
                    }
                }
            }
            assertThat(forcesBefore).as("forces").isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] payload(int group, long index) {
        return ("group " + group + " entry " + index).getBytes();
    }
}
