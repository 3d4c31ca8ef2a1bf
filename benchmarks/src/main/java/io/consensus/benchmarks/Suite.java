package io.consensus.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the load generator over the benchmark matrix, every run in a fresh JVM (as the peer harness
 * does), interleaving repeats so that a slow minute of the machine does not land on one system, then
 * prints the median tables.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar suite [--sets w1,extra,scale] [--protocols raft,paxos,zab]
 *      [--repeat 3] [--warmup-s 5] [--measure-s 15] [--out results/ours.jsonl] [--java-opts "-Xmx2g"]
 * </pre>
 * Sets: {@code w1} (W1 at C = 1, 32, 256 and W1-nosync at 256: the peer harness's workload),
 * {@code extra} (linearizable and lease reads, 1 KiB and 64 KiB values, 5 members, all at C = 256),
 * {@code scale} (100 and 1,000 groups on 3 members, a light write load over all of them, idle CPU and
 * heap per group).
 */
public final class Suite {

    private record Run(String workload, int concurrency, List<String> arguments) {}

    private Suite() {}

    static List<Run> matrix(List<String> sets) {
        List<Run> runs = new ArrayList<>();
        if (sets.contains("w1")) {
            for (int c : new int[] {1, 32, 256}) {
                runs.add(new Run("W1", c, List.of()));
            }
            runs.add(new Run("W1-nosync", 256, List.of("--fsync", "false")));
        }
        if (sets.contains("extra")) {
            runs.add(new Run("R-linearizable", 256, List.of("--op", "read", "--consistency", "linearizable")));
            runs.add(new Run("R-lease", 256, List.of("--op", "read", "--consistency", "lease")));
            runs.add(new Run("W1-1KiB", 256, List.of("--value-bytes", "1024")));
            // 1,000 keys: 10,000 values of 64 KiB in each of three in-JVM state machines (1.9 GiB) would
            // not fit the 2 GiB heap the harness gives every system; the map, not the library, ran out.
            runs.add(new Run("W1-64KiB", 256, List.of("--value-bytes", "65536", "--keys", "1000")));
            runs.add(new Run("W1-5members", 256, List.of("--members", "5")));
        }
        if (sets.contains("scale")) {
            runs.add(new Run("scale-100groups", 32, List.of("--groups", "100", "--idle-s", "5")));
            runs.add(new Run("scale-1000groups", 32, List.of("--groups", "1000", "--idle-s", "5")));
        }
        return runs;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = LoadGenerator.parse(args, 0);
        List<String> sets = Arrays.asList(options.getOrDefault("sets", "w1").split(","));
        List<String> protocols = Arrays.asList(options.getOrDefault("protocols", "raft,paxos,zab").split(","));
        int repeat = Integer.parseInt(options.getOrDefault("repeat", "1"));
        String stamp = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Path out = Path.of(options.getOrDefault("out", "benchmarks/results/" + stamp + ".jsonl"));
        List<String> javaOpts = Arrays.asList(options.getOrDefault("java-opts", "-Xmx2g").trim().split("\\s+"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.createDirectories(out.toAbsolutePath().getParent());
        System.out.println("results: " + out);
        for (int r = 1; r <= repeat; r++) {
            for (Run run : matrix(sets)) {
                for (String protocol : protocols) {
                    List<String> command = new ArrayList<>();
                    command.add(java);
                    command.addAll(javaOpts);
                    command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName(),
                            "--protocol", protocol, "--workload", run.workload(),
                            "--concurrency", String.valueOf(run.concurrency()),
                            "--warmup-s", options.getOrDefault("warmup-s", "5"),
                            "--measure-s", options.getOrDefault("measure-s", "15"),
                            "--out", out.toString()));
                    command.addAll(run.arguments());
                    runOne(command, out, protocol, run);
                }
            }
        }
        Report.main(new String[] {out.toString()});
    }

    private static void runOne(List<String> command, Path out, String protocol, Run run) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            LoadGenerator.append(out, Map.of("type", "run", "system", "consensus-" + protocol, "workload", run.workload(),
                    "concurrency", run.concurrency(), "status", "failed", "failure", "timed out after 240 s"));
            System.out.println("consensus-" + protocol + " " + run.workload() + " C=" + run.concurrency() + " FAILED: timed out");
        }
    }
}
