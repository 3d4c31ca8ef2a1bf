package io.consensus.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns run records (this module's and the peer harness's, one JSON object per line) into the
 * markdown tables of {@code docs/benchmarks.md}: the median of every (system, workload, C) over its
 * repeats with the spread of throughput, and our protocols' ratios against the best peer.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar report results/*.jsonl</pre>
 */
public final class Report {

    /** The systems we compare against. */
    static final Set<String> PEERS = Set.of("ratis", "jraft", "zookeeper");

    /** Medians of one (system, workload, C) over its successful runs. */
    record Row(String system, String workload, long concurrency, int runs, int failed, double opsPerSecond,
               double minOps, double maxOps, double p50, double p99, double p999, double cpuPerOp, double idleCores,
               long leaderChanges, long errors) {}

    private Report() {}

    static List<Map<String, Object>> read(List<Path> files) throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> record = (Map<String, Object>) JsonReader.parse(line);
                    records.add(record);
                }
            }
        }
        return records;
    }

    static List<Row> rows(List<Map<String, Object>> records) {
        Map<String, List<Map<String, Object>>> byKey = new LinkedHashMap<>();
        for (Map<String, Object> record : records) {
            if ("run".equals(record.get("type"))) {
                String key = record.get("system") + "|" + record.get("workload") + "|" + record.get("concurrency");
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(record);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (List<Map<String, Object>> runs : byKey.values()) {
            List<Map<String, Object>> ok = runs.stream().filter(r -> "ok".equals(r.get("status"))).toList();
            Map<String, Object> first = runs.get(0);
            long leaderChanges = 0;
            long errors = 0;
            for (Map<String, Object> run : ok) {
                if (run.get("sut_stats") instanceof Map<?, ?> stats && stats.get("leader_changes") instanceof Number n) {
                    leaderChanges += n.longValue();
                }
                errors += number(run, "errors") > 0 ? (long) number(run, "errors") : 0;
            }
            rows.add(new Row(String.valueOf(first.get("system")), String.valueOf(first.get("workload")),
                    ((Number) first.get("concurrency")).longValue(), ok.size(), runs.size() - ok.size(),
                    median(ok, "ops_per_s"), min(ok, "ops_per_s"), max(ok, "ops_per_s"), median(ok, "p50_us"),
                    median(ok, "p99_us"), median(ok, "p999_us"), median(ok, "cpu_us_per_op"), median(ok, "idle_cores"),
                    leaderChanges, errors));
        }
        rows.sort(Comparator.comparing(Row::workload).thenComparing(Row::concurrency).thenComparing(Row::system));
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| system | workload | C | runs | ops/s (median) | ops/s spread | p50 us | p99 us | p999 us | CPU us/op | idle cores | notes |\n");
        out.append("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|\n");
        for (Row row : rows) {
            String notes = (row.failed() > 0 ? row.failed() + " failed " : "")
                    + (row.leaderChanges() > 0 ? "leader changes " + row.leaderChanges() + " " : "")
                    + (row.errors() > 0 ? "errors " + row.errors() : "");
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    row.system(), row.workload(), row.concurrency(), row.runs(), format(row.opsPerSecond(), 0),
                    row.runs() == 0 ? "-" : format(row.minOps(), 0) + "–" + format(row.maxOps(), 0)
                            + " (±" + format(spreadPercent(row), 0) + "%)",
                    format(row.p50(), 0), format(row.p99(), 0), format(row.p999(), 0), format(row.cpuPerOp(), 1),
                    format(row.idleCores(), 2), notes.trim()));
        }
        return out.toString();
    }

    /** Each of our systems against the best peer (by median throughput) of the same workload and C. */
    static String ratios(List<Row> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| ours | workload | C | best peer | throughput ratio | p99 ours / peer (us) | CPU/op ratio |\n");
        out.append("|---|---|---:|---|---:|---|---:|\n");
        for (Row ours : rows) {
            if (PEERS.contains(ours.system()) || ours.runs() == 0) {
                continue;
            }
            Row best = null;
            for (Row peer : rows) {
                if (PEERS.contains(peer.system()) && peer.workload().equals(ours.workload())
                        && peer.concurrency() == ours.concurrency() && peer.runs() > 0
                        && (best == null || peer.opsPerSecond() > best.opsPerSecond())) {
                    best = peer;
                }
            }
            if (best == null) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %sx | %s / %s | %sx |%n", ours.system(),
                    ours.workload(), ours.concurrency(), best.system(), format(ours.opsPerSecond() / best.opsPerSecond(), 2),
                    format(ours.p99(), 0), format(best.p99(), 0), format(ours.cpuPerOp() / best.cpuPerOp(), 2)));
        }
        return out.toString();
    }

    /** The physical limits the peer harness measured, if any record has them. */
    static String limits(List<Map<String, Object>> records) {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> record : records) {
            if ("limits".equals(record.get("type"))) {
                double fsync = number(record, "fsync_append_p50_us");
                double rtt = number(record, "tcp_rtt_p50_us");
                out.append(String.format(Locale.ROOT, "fsync of a 4 KiB append: p50 %s us, p99 %s us; loopback TCP round trip: "
                                + "p50 %s us, p99 %s us; floor for one replicated write (one fsync + one round trip): %s us%n",
                        format(fsync, 0), format(number(record, "fsync_append_p99_us"), 0), format(rtt, 0),
                        format(number(record, "tcp_rtt_p99_us"), 0), format(fsync + rtt, 0)));
            }
        }
        return out.toString();
    }

    private static double spreadPercent(Row row) {
        return row.opsPerSecond() == 0 ? 0 : 100 * (row.maxOps() - row.minOps()) / 2 / row.opsPerSecond();
    }

    private static double number(Map<String, Object> record, String field) {
        return record.get(field) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static List<Double> values(List<Map<String, Object>> runs, String field) {
        return runs.stream().map(r -> number(r, field)).filter(v -> !v.isNaN()).sorted().toList();
    }

    static double median(List<Map<String, Object>> runs, String field) {
        List<Double> values = values(runs, field);
        if (values.isEmpty()) {
            return Double.NaN;
        }
        int middle = values.size() / 2;
        return values.size() % 2 == 1 ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
    }

    private static double min(List<Map<String, Object>> runs, String field) {
        List<Double> values = values(runs, field);
        return values.isEmpty() ? Double.NaN : values.get(0);
    }

    private static double max(List<Map<String, Object>> runs, String field) {
        List<Double> values = values(runs, field);
        return values.isEmpty() ? Double.NaN : values.get(values.size() - 1);
    }

    private static String format(double value, int decimals) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }

    public static void main(String[] args) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String arg : args) {
            files.add(Path.of(arg));
        }
        List<Map<String, Object>> records = read(files);
        List<Row> rows = rows(records);
        System.out.print(limits(records));
        System.out.println();
        System.out.print(table(rows));
        System.out.println();
        System.out.print(ratios(rows));
    }
}
