package io.consensus.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consensus.api.SyncMode;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.StorageException;
import io.consensus.storage.CrashWorkload;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MemoryNodeStorageTest {

    private static final GroupIdentity A = new GroupIdentity("c", "a", "raft", "m1");

    private static List<LogEntry> entries(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(i -> new LogEntry(i, 1, EntryKind.COMMANDS, new byte[] {(byte) i})).toList();
    }

    private static String describe(LogEntry e) {
        return e.index() + "@" + e.era() + " " + e.kind() + " " + java.util.Arrays.toString(e.payload());
    }

    @Test
    void aCrashDropsUnsyncedWritesAndKeepsSyncedOnes() {
        MemoryNodeStorage storage = new MemoryNodeStorage();
        LogStorage log = storage.open(A);
        log.write(entries(1, 5));
        log.writeMetadata(new byte[] {1});
        storage.sync();
        log.write(entries(6, 9));
        log.truncateFrom(3);
        log.writeMetadata(new byte[] {2});
        assertThat(log.lastIndex()).isEqualTo(2);

        MemoryNodeStorage restarted = storage.crash();
        LogStorage recovered = restarted.open(A);
        assertThat(recovered.lastIndex()).isEqualTo(5);
        assertThat(recovered.entries(1, 10, Long.MAX_VALUE)).extracting(MemoryNodeStorageTest::describe)
                .containsExactlyElementsOf(entries(1, 5).stream().map(MemoryNodeStorageTest::describe).toList());
        assertThat(recovered.metadata()).containsExactly(1);
    }

    @Test
    void theCrashedStorageAndItsLogsRefuseFurtherUse() {
        MemoryNodeStorage storage = new MemoryNodeStorage();
        LogStorage log = storage.open(A);
        storage.crash();
        assertThatThrownBy(() -> log.write(entries(1, 1))).isInstanceOf(StorageException.class);
        assertThatThrownBy(storage::sync).isInstanceOf(StorageException.class);
        assertThatThrownBy(log::lastIndex).isInstanceOf(StorageException.class);
    }

    @Test
    void aTornCrashKeepsAPrefixOfTheUnsyncedWrites() {
        MemoryNodeStorage storage = new MemoryNodeStorage();
        LogStorage log = storage.open(A);
        log.write(entries(1, 2));
        storage.sync();
        log.write(entries(3, 20));
        LogStorage recovered = storage.crash(new Random(3)).open(A);
        long last = recovered.lastIndex();
        assertThat(last).isBetween(2L, 20L);
        assertThat(recovered.entries(1, 100, Long.MAX_VALUE)).extracting(MemoryNodeStorageTest::describe)
                .containsExactlyElementsOf(entries(1, last).stream().map(MemoryNodeStorageTest::describe).toList());
    }

    @Test
    void closingSyncsAndACrashAfterwardsKeepsEverything() {
        MemoryNodeStorage storage = new MemoryNodeStorage();
        storage.open(A).write(entries(1, 3));
        storage.close();
        assertThatThrownBy(() -> storage.open(A)).isInstanceOf(StorageException.class);
        assertThat(storage.crash().open(A).lastIndex()).isEqualTo(3);
    }

    @Test
    void withoutFsyncNothingBecomesDurable() {
        MemoryNodeStorage storage = new MemoryNodeStorage(SyncMode.NONE_UNSAFE);
        assertThat(storage.durable()).isFalse();
        storage.open(A).write(entries(1, 3));
        storage.sync();
        assertThat(storage.crash(new Random(1)).open(A).lastIndex()).isZero();
    }

    @Test
    void theSameSeedGivesTheSameTornState() {
        assertThat(tornLastIndex(42)).isEqualTo(tornLastIndex(42));
    }

    private static long tornLastIndex(long seed) {
        MemoryNodeStorage storage = new MemoryNodeStorage();
        storage.open(A).write(entries(1, 50));
        return storage.crash(new Random(seed)).open(A).lastIndex();
    }

    @Test
    void theCrashWorkloadFindsEveryAcknowledgedWrite() throws Exception {
        CrashWorkload.Subject subject = new CrashWorkload.Subject() {
            @Override
            public NodeStorage create() {
                return new MemoryNodeStorage();
            }

            @Override
            public NodeStorage crash(NodeStorage storage, Random tear) {
                return ((MemoryNodeStorage) storage).crash(tear);
            }
        };
        for (long seed = 0; seed < 100; seed++) {
            Optional<String> violation = CrashWorkload.run(subject, seed, 3, 40);
            assertThat(violation).as("seed %d", seed).isEmpty();
        }
    }
}
