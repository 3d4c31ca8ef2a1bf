package io.consensus.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator end to end on a real 3-member cluster (file logs, fsync, Netty on loopback), for
 * a second: the numbers are not checked here (benchmarks never run in CI), only that a run produces
 * a complete record that the report reads, and that every member applied writes.
 */
class LoadGeneratorTest {

    @TempDir
    Path dir;

    @Test
    void aShortRunWritesARecordTheReportReads() throws Exception {
        Map<String, Object> record = LoadGenerator.measure(Map.of("protocol", "raft", "concurrency", "8",
                "warmup-s", "0.5", "measure-s", "1", "idle-s", "0"));
        assertThat(record).containsEntry("status", "ok").containsEntry("system", "consensus-raft")
                .containsEntry("workload", "W1");
        assertThat(((Number) record.get("ops")).longValue()).isPositive();
        assertThat(((Number) record.get("p99_us")).doubleValue()).isPositive();
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) record.get("sut_stats");
        assertThat((List<?>) stats.get("map_sizes")).as("every member applied writes").hasSize(3)
                .allSatisfy(size -> assertThat((Integer) size).isPositive());

        Path out = dir.resolve("runs.jsonl");
        LoadGenerator.append(out, record);
        List<Report.Row> rows = Report.rows(Report.read(List.of(out)));
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.system()).isEqualTo("consensus-raft");
            assertThat(row.runs()).isEqualTo(1);
            assertThat(row.opsPerSecond()).isEqualTo(((Number) record.get("ops_per_s")).doubleValue());
        });
    }

    @Test
    void readsRunAgainstPreloadedKeys() throws Exception {
        Map<String, Object> record = LoadGenerator.measure(Map.of("protocol", "raft", "concurrency", "8", "op", "read",
                "consistency", "lease", "keys", "300", "warmup-s", "0.5", "measure-s", "1", "idle-s", "0"));
        assertThat(record).containsEntry("status", "ok").containsEntry("workload", "R-lease").containsEntry("errors", 0L);
        assertThat(((Number) record.get("ops")).longValue()).isPositive();
    }

    @Test
    void theReportTakesMediansAndComparesWithTheBestPeer() throws Exception {
        Path file = dir.resolve("mixed.jsonl");
        Files.writeString(file, String.join("\n",
                run("consensus-raft", 100), run("consensus-raft", 300), run("consensus-raft", 200),
                run("jraft", 150), run("ratis", 50),
                "{\"type\":\"limits\",\"fsync_append_p50_us\":140.0,\"tcp_rtt_p50_us\":57.0}") + "\n");
        List<Map<String, Object>> records = Report.read(List.of(file));
        List<Report.Row> rows = Report.rows(records);
        assertThat(rows).filteredOn(r -> r.system().equals("consensus-raft")).singleElement()
                .satisfies(r -> assertThat(r.opsPerSecond()).isEqualTo(200.0));
        assertThat(Report.ratios(rows)).contains("| consensus-raft | W1 | 256 | jraft | 1.33x |");
        assertThat(Report.limits(records)).contains("one fsync + one round trip): 197 us");
    }

    private static String run(String system, double ops) {
        return JsonLine.write(Map.of("type", "run", "status", "ok", "system", system, "workload", "W1", "concurrency", 256,
                "ops_per_s", ops, "p99_us", 1000.0, "cpu_us_per_op", 10.0));
    }
}
