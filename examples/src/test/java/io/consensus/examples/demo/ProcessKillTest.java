package io.consensus.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.core.Protocols;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Three member processes over loopback under continuous writes; a random member is killed with
 * SIGKILL and restarted ten times. Every write acknowledged to a client must be on every member at
 * the end. (SIGKILL keeps the page cache, so this proves process-crash safety; power loss is the
 * storage tests' job.)
 */
class ProcessKillTest {

    private static final int KILLS = 10;

    @TempDir
    Path dir;

    static Stream<String> protocols() {
        return Protocols.available().keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void acknowledgedWritesSurviveRepeatedSigkills(String protocol) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try (ProcessCluster cluster = new ProcessCluster(protocol, dir.resolve(protocol), 3)) {
            for (int i = 0; i < 3; i++) {
                cluster.start(i);
            }
            cluster.awaitLeader(-1, Duration.ofSeconds(30));
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.execute(() -> {
                    int n = 0;
                    while (running.get()) {
                        String key = "w" + writer + "-" + n++;
                        attempts.incrementAndGet();
                        try {
                            if (cluster.put(Math.floorMod(key.hashCode(), 3), key, "v-" + key, key) == 200) {
                                acknowledged.add(key);
                            }
                        } catch (Exception unreachable) {
                            // The member is down: this write's outcome is unknown; it is not counted.
                        }
                    }
                });
            }
            for (int kill = 0; kill < KILLS; kill++) {
                int victim = random.nextInt(3);
                int before = acknowledged.size();
                cluster.kill(victim);
                cluster.start(victim);
                cluster.awaitLeader(-1, Duration.ofSeconds(30));
                awaitProgress(acknowledged, before + 20);
            }
            running.set(false);
            writers.shutdown();
            assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            assertThat(acknowledged).hasSizeGreaterThan(200);
            for (int i = 0; i < 3; i++) {
                cluster.awaitApplied(i, acknowledged.size(), Duration.ofSeconds(60));
            }
            for (int i = 0; i < 3; i++) {
                List<String> missing = new ArrayList<>();
                for (String key : acknowledged) {
                    if (!("v-" + key).equals(cluster.get(i, key, "stale"))) {
                        missing.add(key);
                    }
                }
                assertThat(missing).as("acknowledged writes missing on %s (of %d acknowledged, %d attempted)",
                        ProcessCluster.name(i), acknowledged.size(), attempts.get()).isEmpty();
            }
        } finally {
            running.set(false);
            writers.shutdownNow();
        }
    }

    /** Waits until clients have had {@code target} writes acknowledged since the restart. */
    private static void awaitProgress(Set<String> acknowledged, int target) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (acknowledged.size() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no write acknowledged for 60 s after a restart");
            }
            Thread.sleep(20);
        }
    }
}
