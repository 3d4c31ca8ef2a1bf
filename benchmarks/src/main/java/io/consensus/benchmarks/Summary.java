package io.consensus.benchmarks;

import java.util.Map;

/** Human-readable lines for run records. */
final class Summary {

    private Summary() {}

    static String oneLine(Map<String, Object> record) {
        if (!"ok".equals(record.get("status"))) {
            return String.format("%-16s %-12s C=%-4s FAILED: %s", record.get("system"), record.get("workload"),
                    record.get("concurrency"), record.get("failure"));
        }
        return String.format("%-16s %-12s C=%-4s %10.0f ops/s  p50 %8.0f us  p99 %8.0f us  p999 %8.0f us  cpu %7.1f us/op  cores %.2f  idle %s (quiescent %s)  errors %s",
                record.get("system"), record.get("workload"), record.get("concurrency"),
                number(record.get("ops_per_s")), number(record.get("p50_us")), number(record.get("p99_us")),
                number(record.get("p999_us")), number(record.get("cpu_us_per_op")), number(record.get("cpu_cores_used")),
                record.get("idle_cores"), record.get("idle_quiescent_share"), record.get("errors"));
    }

    private static double number(Object value) {
        return value instanceof Number number ? number.doubleValue() : Double.NaN;
    }
}
