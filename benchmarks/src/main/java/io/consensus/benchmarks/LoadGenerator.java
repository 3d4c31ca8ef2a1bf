package io.consensus.benchmarks;

import io.consensus.api.ReadConsistency;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The end-to-end load generator: the peer harness's workload W1 (closed loop with exactly C requests
 * outstanding, uniformly random keys out of 10,000, values from a pool of 1,024 random ones, warm-up
 * then a measured window, HdrHistogram latencies, process CPU per operation) against a
 * {@link BenchCluster} in this JVM, plus what the harness does not cover: reads, other value sizes,
 * more members and many groups. One run per JVM; appends one JSON line in the harness's format.
 *
 * <pre>
 * java -Xmx2g -jar benchmarks/target/benchmarks.jar load --protocol raft --concurrency 256 \
 *      [--op write|read] [--consistency linearizable|lease] [--fsync true] [--apply-inline true] [--members 3] [--groups 1]
 *      [--keys 10000] [--value-bytes 128] [--warmup-s 5] [--measure-s 15] [--idle-s 3]
 *      [--workload W1] [--out results.jsonl]
 * </pre>
 */
public final class LoadGenerator {

    private static final long MAX_RECORDED_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Idle CPU is measured from this long after the load stops: past an election timeout, so groups can quiesce. */
    private static final long IDLE_SETTLE_MILLIS = 2_000;

    private final BenchCluster cluster;
    private final int concurrency;
    private final boolean reads;
    private final ReadConsistency consistency;
    private final byte[][] keys;
    private final byte[][] values;
    private final Recorder recorder = new Recorder(MAX_RECORDED_NANOS, 3);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong outstanding = new AtomicLong();
    private volatile boolean measuring;
    private volatile boolean stopping;
    private volatile Throwable firstError;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "load-retry");
        thread.setDaemon(true);
        return thread;
    });
    /** Completions that arrive already done would otherwise recurse without bound. */
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private LoadGenerator(BenchCluster cluster, int concurrency, boolean reads, ReadConsistency consistency,
                          int keyCount, int valueBytes) {
        this.cluster = cluster;
        this.concurrency = concurrency;
        this.reads = reads;
        this.consistency = consistency;
        this.keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) {
            // key000000 .. key009999, as the peer harness names them (without String.format, whose
            // regular expressions would otherwise occupy the JIT compiler during the warm-up).
            String digits = Integer.toString(i);
            keys[i] = ("key" + "000000".substring(Math.min(6, digits.length())) + digits).getBytes(StandardCharsets.US_ASCII);
        }
        Random random = new Random(42);
        this.values = new byte[1024][valueBytes];
        for (byte[] value : values) {
            random.nextBytes(value);
        }
    }

    private void issue() {
        if (stopping) {
            outstanding.decrementAndGet();
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int group = random.nextInt(cluster.spec().groups());
        byte[] key = keys[random.nextInt(keys.length)];
        long start = System.nanoTime();
        CompletableFuture<byte[]> result;
        try {
            result = reads ? cluster.read(group, key, consistency)
                    : cluster.write(group, key, values[random.nextInt(values.length)]);
        } catch (RuntimeException e) {
            onError(e);
            return;
        }
        result.whenComplete((ok, failure) -> {
            if (failure != null) {
                onError(failure);
                return;
            }
            if (measuring) {
                recorder.recordValue(Math.min(System.nanoTime() - start, MAX_RECORDED_NANOS));
            }
            completed.incrementAndGet();
            int[] depth = DEPTH.get();
            if (depth[0] > 8) {
                retries.execute(this::issue);
                return;
            }
            depth[0]++;
            try {
                issue();
            } finally {
                depth[0]--;
            }
        });
    }

    private void onError(Throwable failure) {
        errors.incrementAndGet();
        if (firstError == null) {
            firstError = failure;
        }
        retries.schedule(this::issue, 1, TimeUnit.MILLISECONDS); // a leader change: don't hammer
    }

    /** Fills every key once, so that reads find values (not counted). */
    private void preload() throws Exception {
        for (int i = 0; i < keys.length; i += 256) {
            CompletableFuture<?>[] batch = new CompletableFuture<?>[Math.min(256, keys.length - i)];
            for (int j = 0; j < batch.length; j++) {
                batch[j] = cluster.write((i + j) % cluster.spec().groups(), keys[i + j], values[(i + j) % values.length]);
            }
            CompletableFuture.allOf(batch).get(60, TimeUnit.SECONDS);
        }
    }

    private Map<String, Object> run(double warmupSeconds, double measureSeconds, double idleSeconds) throws Exception {
        outstanding.set(concurrency);
        for (int i = 0; i < concurrency; i++) {
            issue();
        }
        Thread.sleep((long) (warmupSeconds * 1000));
        long warmupOps = completed.get();
        long warmupErrors = errors.get();
        measuring = true;
        recorder.getIntervalHistogram(); // discard what was recorded before the switch
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long gcMillisStart = gcMillis();
        long gcCountStart = gcCount();
        long errorsStart = errors.get();
        long start = System.nanoTime();
        long[] perSecond = new long[(int) Math.ceil(measureSeconds)];
        long previous = completed.get();
        long deadline = start + (long) (measureSeconds * 1e9);
        for (int second = 0; second < perSecond.length; second++) {
            long until = Math.min(start + (second + 1) * 1_000_000_000L, deadline);
            long now;
            while ((now = System.nanoTime()) < until) {
                Thread.sleep(Math.max(1, (until - now) / 1_000_000));
            }
            long count = completed.get();
            perSecond[second] = count - previous;
            previous = count;
        }
        Histogram histogram = recorder.getIntervalHistogram();
        long end = System.nanoTime();
        long cpuEnd = os.getProcessCpuTime();
        long errorsEnd = errors.get();
        measuring = false;
        stopping = true;

        long ops = histogram.getTotalCount();
        double seconds = (end - start) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ops", ops);
        result.put("elapsed_s", seconds);
        result.put("ops_per_s", ops / seconds);
        result.put("p50_us", histogram.getValueAtPercentile(50.0) / 1000.0);
        result.put("p99_us", histogram.getValueAtPercentile(99.0) / 1000.0);
        result.put("p999_us", histogram.getValueAtPercentile(99.9) / 1000.0);
        result.put("max_us", histogram.getMaxValue() / 1000.0);
        result.put("mean_us", histogram.getMean() / 1000.0);
        result.put("cpu_us_per_op", ops == 0 ? null : (cpuEnd - cpuStart) / 1000.0 / ops);
        result.put("cpu_cores_used", (cpuEnd - cpuStart) / 1e9 / seconds);
        result.put("gc_count", gcCount() - gcCountStart);
        result.put("gc_ms", gcMillis() - gcMillisStart);
        result.put("errors", errorsEnd - errorsStart);
        result.put("warmup_ops", warmupOps);
        result.put("warmup_errors", warmupErrors);
        result.put("ops_per_second_series", perSecond);
        if (firstError != null) {
            result.put("first_error", String.valueOf(firstError));
        }
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (outstanding.get() > 0 && System.nanoTime() < drainUntil) {
            Thread.sleep(5);
        }
        result.put("undrained", outstanding.get());
        if (idleSeconds > 0) {
            // The same process with no load: timers, pollers, and whatever groups have not gone quiescent
            // (they do after an election timeout without requests). An idle group must cost ~nothing.
            Thread.sleep(IDLE_SETTLE_MILLIS);
            long idleCpu = os.getProcessCpuTime();
            long idleStart = System.nanoTime();
            Thread.sleep((long) (idleSeconds * 1000));
            result.put("idle_cores", (os.getProcessCpuTime() - idleCpu) / 1e9 / ((System.nanoTime() - idleStart) / 1e9));
            result.put("idle_quiescent_share", cluster.quiescentShare());
        }
        return result;
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, bean.getCollectionTime());
        }
        return total;
    }

    private static long gcCount() {
        long total = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, bean.getCollectionCount());
        }
        return total;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Runs one measurement and returns its record; {@code options} as on the command line, without dashes. */
    public static Map<String, Object> measure(Map<String, String> options) throws Exception {
        String protocol = options.getOrDefault("protocol", "raft");
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "1"));
        boolean fsync = Boolean.parseBoolean(options.getOrDefault("fsync", "true"));
        boolean applyInline = Boolean.parseBoolean(options.getOrDefault("apply-inline", "true"));
        int members = Integer.parseInt(options.getOrDefault("members", "3"));
        int groups = Integer.parseInt(options.getOrDefault("groups", "1"));
        int keyCount = Integer.parseInt(options.getOrDefault("keys", "10000"));
        int valueBytes = Integer.parseInt(options.getOrDefault("value-bytes", "128"));
        String op = options.getOrDefault("op", "write");
        if (!op.equals("write") && !op.equals("read")) {
            throw new IllegalArgumentException("--op must be write or read, not " + op);
        }
        boolean reads = op.equals("read");
        ReadConsistency consistency = ReadConsistency.valueOf(options.getOrDefault("consistency", "linearizable").toUpperCase());
        double warmup = Double.parseDouble(options.getOrDefault("warmup-s", "5"));
        double measure = Double.parseDouble(options.getOrDefault("measure-s", "15"));
        double idle = Double.parseDouble(options.getOrDefault("idle-s", "3"));
        String workload = options.getOrDefault("workload", reads ? "R-" + consistency.name().toLowerCase() : fsync ? "W1" : "W1-nosync");

        Map<String, Object> record = new LinkedHashMap<>();
        record.put("type", "run");
        record.put("time", Instant.now().toString());
        record.put("system", "consensus-" + protocol);
        record.put("workload", workload);
        record.put("concurrency", concurrency);
        record.put("fsync", fsync);
        record.put("replicas", members);
        record.put("groups", groups);
        record.put("keys", keyCount);
        record.put("value_bytes", valueBytes);
        record.put("op", reads ? "read-" + consistency.name().toLowerCase() : "write");
        record.put("warmup_s", warmup);
        record.put("measure_s", measure);
        record.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        record.put("cores", Runtime.getRuntime().availableProcessors());
        record.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);

        Path dataDir = Files.createTempDirectory("consensus-bench-");
        long heapBefore = groups > 1 ? usedHeapAfterGc() : 0;
        long startNanos = System.nanoTime();
        BenchCluster cluster = BenchCluster.start(new BenchCluster.Spec(protocol, members, groups, fsync, applyInline, dataDir));
        try {
            record.put("startup_ms", (System.nanoTime() - startNanos) / 1_000_000);
            if (groups > 1) {
                long heapPerGroup = (usedHeapAfterGc() - heapBefore) / ((long) groups * members);
                record.put("heap_bytes_per_group_member", heapPerGroup);
            }
            record.put("settings", Map.of("transport", "netty (loopback)", "log", "consensus-storage file log, one per member",
                    "sync", fsync ? "fsync before acknowledging" : "none (unsafe)", "submission", "embedded on the leader",
                    "apply", applyInline ? "on the event loop (consensus.apply.inline)" : "apply thread"));
            LoadGenerator generator = new LoadGenerator(cluster, concurrency, reads, consistency, keyCount, valueBytes);
            if (reads) {
                generator.preload();
            }
            record.putAll(generator.run(warmup, measure, idle));
            record.put("sut_stats", Map.of("leader_changes", cluster.leaderChanges(), "map_sizes", cluster.mapSizes(0)));
            record.put("status", "ok");
        } finally {
            cluster.close();
            deleteTree(dataDir);
        }
        return record;
    }

    static void append(Path out, Map<String, Object> record) throws Exception {
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, JsonLine.write(record) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static Map<String, String> parse(String[] args, int from) {
        Map<String, String> options = new HashMap<>();
        for (int i = from; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got: " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args, 0);
        int exit = 0;
        Map<String, Object> record;
        try {
            record = measure(options);
        } catch (Exception | Error e) {
            e.printStackTrace();
            record = new LinkedHashMap<>();
            record.put("type", "run");
            record.put("system", "consensus-" + options.getOrDefault("protocol", "raft"));
            record.put("workload", options.getOrDefault("workload", "W1"));
            record.put("concurrency", Integer.parseInt(options.getOrDefault("concurrency", "1")));
            record.put("status", "failed");
            record.put("failure", String.valueOf(e));
            exit = 2;
        }
        if (options.containsKey("out")) {
            append(Path.of(options.get("out")), record);
        }
        System.out.println(Summary.oneLine(record));
        System.out.flush();
        System.exit(exit);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (Exception e) {
            // best effort: a temp dir
        }
    }
}
