package io.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.NodeStorage;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power losses under the file log, simulated by {@link PowerLossIo}: every acknowledged write survives,
 * torn tails (including out-of-order sector writes) are cut back to a prefix, and the simulator is
 * strict enough to catch a log that skips a file or directory force.
 */
class FileCrashRecoveryTest {

    private static final int SEEDS = Integer.getInteger("storage.crash.seeds", 50);

    @TempDir
    Path root;

    private CrashWorkload.Subject fileLog(Path dir, long segmentBytes, Consumer<PowerLossIo> fault) {
        return fileLog(dir, segmentBytes, 0, fault);
    }

    private CrashWorkload.Subject fileLog(Path dir, long segmentBytes, long preallocateBytes, Consumer<PowerLossIo> fault) {
        PowerLossIo io = new PowerLossIo();
        return new CrashWorkload.Subject() {
            @Override
            public NodeStorage create() {
                NodeStorage storage = FileNodeStorage.open(dir, "c", SyncMode.FSYNC, segmentBytes, io, preallocateBytes);
                fault.accept(io); // once the log exists, so the fault hits appends, rolls and snapshots
                return storage;
            }

            @Override
            public NodeStorage crash(NodeStorage storage, Random tear) throws Exception {
                io.crash(tear);
                return create();
            }
        };
    }

    @Test
    void everyAcknowledgedWriteSurvivesPowerLossesAndTornTailsAreCutToAPrefix() throws Exception {
        for (long seed = 0; seed < SEEDS; seed++) {
            // Small segments, so rolls, checkpoints and segment deletion happen often.
            CrashWorkload.Subject subject = fileLog(root.resolve("s" + seed), 4096, io -> {});
            Optional<String> violation = CrashWorkload.run(subject, seed, 3, 40);
            assertThat(violation).as("seed %d", seed).isEmpty();
        }
    }

    @Test
    void preallocatedZerosNeverCostAnAcknowledgedWriteNorPassForRecords() throws Exception {
        for (long seed = 0; seed < SEEDS; seed++) {
            // The zero-filling thread races the writers; a crash may tear its zeros as well as records.
            CrashWorkload.Subject subject = fileLog(root.resolve("p" + seed), 8192, 4096, io -> {});
            Optional<String> violation = CrashWorkload.run(subject, seed, 3, 40);
            assertThat(violation).as("seed %d", seed).isEmpty();
        }
    }

    @Test
    void theSimulatorCatchesALogThatSkipsItsDataForces() throws Exception {
        // Segments large enough never to roll: only the forces in sync() are skipped, so entries are lost.
        assertThat(firstViolation(1 << 20, PowerLossIo::skipForces, "matches no prefix")).isPresent();
    }

    @Test
    void theSimulatorCatchesALogThatSkipsItsSegmentCreationForces() throws Exception {
        assertThat(firstViolation(4096, PowerLossIo::skipForces, "too short for a segment header")).isPresent();
    }

    @Test
    void theSimulatorCatchesALogThatSkipsItsDirectoryForces() throws Exception {
        assertThat(firstViolation(4096, PowerLossIo::skipDirectoryForces, "")).isPresent();
    }

    /** The first violation, over the seeds, that mentions {@code text}. */
    private Optional<String> firstViolation(long segmentBytes, Consumer<PowerLossIo> fault, String text)
            throws Exception {
        for (long seed = 0; seed < SEEDS; seed++) {
            Path dir = root.resolve("f" + seed);
            Optional<String> violation = CrashWorkload.run(fileLog(dir, segmentBytes, fault), seed, 3, 40);
            if (violation.isPresent() && violation.get().contains(text)) {
                return violation;
            }
        }
        return Optional.empty();
    }
}
