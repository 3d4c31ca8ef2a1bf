package io.consensus.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Member;
import io.consensus.api.SyncMode;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.core.Consensus;
import io.consensus.storage.FileNodeStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two groups share one file log. One writes a little and then nothing; the other writes a lot and
 * snapshots often. The idle group's entries would keep the first segment, and so every later one,
 * on disk for ever; the node asks it to snapshot, and the old segments go.
 */
class PinnedSegmentsTest {

    private static final long SEGMENT_BYTES = 4096;

    @TempDir
    Path dir;

    private ConsensusConfig config(String groupId, long snapshotThresholdEntries) {
        return ConsensusConfig.builder()
                .protocol("fixed-leader")
                .clusterId("c")
                .dataDir(dir)
                .groupId(groupId)
                .memberId("n1")
                .members(List.of(Member.local("n1")))
                .bootstrap(true)
                .snapshotThresholdEntries(snapshotThresholdEntries)
                .snapshotRetainEntries(0)
                .build();
    }

    private List<String> segmentFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".wal")).sorted().toList();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anIdleGroupPinningTheOldestSegmentsIsAskedToSnapshotAndTheyAreDeleted() throws Exception {
        RuntimeTest.RecordingStateMachine idleMachine = new RuntimeTest.RecordingStateMachine();
        try (NodeRuntime node = Consensus.node(config("idle", 100_000))
                .storage(FileNodeStorage.open(dir, "c", SyncMode.FSYNC, SEGMENT_BYTES))
                .transport(new LocalNetwork().transport("n1"))
                .build()) {
            ConsensusGroup idle = node.openGroup(config("idle", 100_000), idleMachine);
            ConsensusGroup busy = node.openGroup(config("busy", 20), new RuntimeTest.RecordingStateMachine());
            for (String command : List.of("x", "y", "z")) {
                idle.submit(bytes(command)).get(10, TimeUnit.SECONDS);
            }
            String padding = "p".repeat(200);
            for (int i = 0; i < 300; i++) {
                busy.submit(bytes(i + padding)).get(10, TimeUnit.SECONDS); // one by one: one entry each
            }
            List<String> files = segmentFiles();
            assertThat(files.get(files.size() - 1)).as("the busy group filled many segments")
                    .isGreaterThan(String.format("segment-%010d.wal", 2 * FileNodeStorage.KEPT_SEGMENTS));

            // Far below its threshold, the idle group snapshots only because the node asks it to; then the
            // next sync (which the busy group's writes bring) deletes every segment before the newest few.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                busy.submit(bytes("more" + padding)).get(10, TimeUnit.SECONDS);
                assertThat(segmentFiles()).doesNotContain("segment-0000000001.wal").hasSizeLessThanOrEqualTo(FileNodeStorage.KEPT_SEGMENTS + 1);
            });
        }

        try (FileNodeStorage reopened = FileNodeStorage.open(dir, "c", SyncMode.FSYNC, SEGMENT_BYTES)) {
            LogStorage log = reopened.open(new GroupIdentity("c", "idle", "fixed-leader", "n1"));
            SnapshotMeta snapshot = log.latestSnapshot().orElseThrow();
            assertThat(snapshot.appliedCount()).as("the snapshot holds every command").isEqualTo(3);
            assertThat(log.firstIndex()).as("compacted up to the snapshot").isGreaterThan(snapshot.index());
        }
        assertThat(idleMachine.applied).containsExactly("x", "y", "z");
    }
}
