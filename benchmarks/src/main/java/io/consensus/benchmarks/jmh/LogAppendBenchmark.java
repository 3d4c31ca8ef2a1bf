package io.consensus.benchmarks.jmh;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.storage.FileNodeStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The file log's write path: append a batch of entries and (with {@code sync=true}) force it, as one
 * group commit does. Reported per batch; divide by {@code batch} for per-entry cost. With sync on, the
 * figure is bounded by the disk's fsync latency (see the physical limits in docs/benchmarks.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogAppendBenchmark {

    @Param({"1", "16", "256"})
    public int batch;

    @Param({"128"})
    public int entryBytes;

    @Param({"true", "false"})
    public boolean sync;

    private Path dir;
    private FileNodeStorage storage;
    private LogStorage log;
    private long nextIndex = 1;
    private byte[] payload;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("log-append-bench");
        storage = FileNodeStorage.open(dir, "jmh", sync ? SyncMode.FSYNC : SyncMode.NONE_UNSAFE, 64L << 20);
        log = storage.open(new GroupIdentity("jmh", "g", "raft", "m1"));
        payload = new byte[entryBytes];
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        storage.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long appendBatch() {
        List<LogEntry> entries = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            entries.add(new LogEntry(nextIndex++, 1, EntryKind.COMMANDS, payload));
        }
        log.write(entries);
        storage.sync();
        return nextIndex;
    }
}
