package io.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import io.consensus.api.spi.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link LogStorage} and {@link NodeStorage}, run against every implementation.
 * {@link #restart} simulates a power loss after which only synced state may remain.
 */
public abstract class LogStorageConformanceTest {

    static final GroupIdentity A = new GroupIdentity("c", "a", "raft", "m1");
    static final GroupIdentity B = new GroupIdentity("c", "b", "paxos", "m1");
    static final GroupIdentity C = new GroupIdentity("c", "group/C é", "zab", "m1");

    private NodeStorage storage;

    /** A new, empty storage. */
    protected abstract NodeStorage create() throws Exception;

    /** Simulates a power loss and restart of {@code crashed}: only what a completed sync covered survives. */
    protected abstract NodeStorage restart(NodeStorage crashed) throws Exception;

    @BeforeEach
    void createStorage() throws Exception {
        storage = create();
    }

    @AfterEach
    void closeStorage() {
        try {
            storage.close();
        } catch (StorageException ignored) {
            // a test may have crashed it
        }
    }

    static LogEntry entry(long index, long era) {
        return new LogEntry(index, era, EntryKind.COMMANDS, ("e" + index + "@" + era).getBytes(StandardCharsets.UTF_8));
    }

    static List<LogEntry> entries(long from, long to, long era) {
        return LongStream.rangeClosed(from, to).mapToObj(i -> entry(i, era)).toList();
    }

    /** Syncs, restarts and reopens group {@code id}. */
    private LogStorage syncAndRestart(GroupIdentity id) throws Exception {
        storage.sync();
        storage = restart(storage);
        return storage.open(id);
    }

    private static void assertSameEntries(List<LogEntry> actual, List<LogEntry> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertSameEntry(actual.get(i), expected.get(i));
        }
    }

    private static void assertSameEntry(LogEntry actual, LogEntry expected) {
        assertThat(actual).as("entry %d", expected.index()).isNotNull();
        assertThat(actual.index()).isEqualTo(expected.index());
        assertThat(actual.era()).isEqualTo(expected.era());
        assertThat(actual.kind()).isEqualTo(expected.kind());
        assertThat(actual.payload()).as("payload of %d", expected.index()).isEqualTo(expected.payload());
    }

    private static SnapshotMeta install(LogStorage log, long index, long era, String data) throws IOException {
        Membership membership = new Membership(new TreeSet<>(Set.of(Member.local("m1"), new Member("m2", "h2", 7002))),
                new TreeSet<>(Set.of(new Member("l1", "h3", 7003))), new TreeSet<>(Set.of(Member.local("old"))));
        SnapshotMeta meta = new SnapshotMeta(index, era, index * 2, membership);
        try (SnapshotStore.Writer writer = log.snapshots().begin(meta)) {
            writer.output().write(data.getBytes(StandardCharsets.UTF_8));
            writer.install();
        }
        return meta;
    }

    private static String read(LogStorage log, SnapshotMeta meta) throws IOException {
        try (InputStream in = log.snapshots().open(meta)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anEmptyLogHasNothingAndStartsAtOne() {
        LogStorage log = storage.open(A);
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isZero();
        assertThat(log.entry(1)).isNull();
        assertThat(log.entries(1, 100, Long.MAX_VALUE)).isEmpty();
        assertThat(log.metadata()).isNull();
        assertThat(log.latestSnapshot()).isEmpty();
    }

    @Test
    void entriesAreReadBackAsWrittenAndSurviveASyncedRestart() throws Exception {
        LogStorage log = storage.open(A);
        List<LogEntry> written = List.of(entry(1, 1), LogEntry.noop(2, 1),
                new LogEntry(3, 2, EntryKind.CONFIG, new byte[] {1, 2, 3}),
                new LogEntry(4, 2, EntryKind.PROTOCOL, new byte[0]));
        log.write(written);
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertSameEntries(log.entries(1, 5, Long.MAX_VALUE), written);
        assertSameEntry(log.entry(3), written.get(2));

        log = syncAndRestart(A);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertSameEntries(log.entries(1, 5, Long.MAX_VALUE), written);
    }

    @Test
    void writesNotCoveredByASyncAreLostInAPowerLoss() throws Exception {
        LogStorage log = storage.open(A);
        log.write(entries(1, 3, 1));
        log.writeMetadata(new byte[] {1});
        storage.sync();
        log.write(entries(4, 6, 1));
        log.truncateFrom(2);
        log.writeMetadata(new byte[] {2});

        storage = restart(storage);
        log = storage.open(A);
        assertSameEntries(log.entries(1, 100, Long.MAX_VALUE), entries(1, 3, 1));
        assertThat(log.metadata()).containsExactly(1);
    }

    @Test
    void theRangeIsHalfOpenAndStopsBeforeExceedingMaxBytesButReturnsAtLeastOne() {
        LogStorage log = storage.open(A);
        log.write(entries(1, 10, 1));
        assertThat(log.entries(3, 6, Long.MAX_VALUE)).extracting(LogEntry::index).containsExactly(3L, 4L, 5L);
        assertThat(log.entries(5, 5, Long.MAX_VALUE)).isEmpty();
        assertThat(log.entries(11, 20, Long.MAX_VALUE)).isEmpty();
        assertThat(log.entries(3, 10, 1)).extracting(LogEntry::index).containsExactly(3L);
        long two = entry(1, 1).sizeBytes() * 2L;
        assertThat(log.entries(1, 10, two)).extracting(LogEntry::index).containsExactly(1L, 2L);
        assertThat(log.entries(1, 10, two - 1)).extracting(LogEntry::index).containsExactly(1L);
    }

    @Test
    void rewritingOneIndexReplacesItAndKeepsLaterOnes() throws Exception {
        LogStorage log = storage.open(B);
        log.write(entries(1, 5, 1));
        log.write(List.of(entry(3, 7)));
        List<LogEntry> expected = List.of(entry(1, 1), entry(2, 1), entry(3, 7), entry(4, 1), entry(5, 1));
        assertSameEntries(log.entries(1, 6, Long.MAX_VALUE), expected);

        log = syncAndRestart(B);
        assertSameEntries(log.entries(1, 6, Long.MAX_VALUE), expected);
    }

    @Test
    void truncateRemovesTheSuffixAndTheLogGrowsAgainFromThere() throws Exception {
        LogStorage log = storage.open(A);
        log.write(entries(1, 10, 1));
        log.truncateFrom(6);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.entry(6)).isNull();
        log.write(entries(6, 7, 2));
        log.truncateFrom(100); // nothing there: no effect

        log = syncAndRestart(A);
        assertThat(log.lastIndex()).isEqualTo(7);
        assertSameEntries(log.entries(1, 100, Long.MAX_VALUE),
                List.of(entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 1), entry(5, 1), entry(6, 2), entry(7, 2)));
    }

    @Test
    void truncatingEverythingLeavesAnEmptyLog() throws Exception {
        LogStorage log = storage.open(A);
        log.write(entries(1, 3, 1));
        log.truncateFrom(1);
        assertThat(log.lastIndex()).isZero();
        assertThat(log.firstIndex()).isEqualTo(1);
        log = syncAndRestart(A);
        assertThat(log.lastIndex()).isZero();
        assertThat(log.entries(1, 10, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void holesAreSkippedAndTheBoundsAreThePresentEntries() throws Exception {
        LogStorage log = storage.open(B);
        log.write(List.of(entry(3, 1), entry(7, 1), entry(9, 2)));
        assertThat(log.firstIndex()).isEqualTo(3);
        assertThat(log.lastIndex()).isEqualTo(9);
        assertThat(log.entry(5)).isNull();
        assertThat(log.entries(1, 100, Long.MAX_VALUE)).extracting(LogEntry::index).containsExactly(3L, 7L, 9L);
        log.truncateFrom(8);
        assertThat(log.lastIndex()).isEqualTo(7);

        log = syncAndRestart(B);
        assertThat(log.entries(1, 100, Long.MAX_VALUE)).extracting(LogEntry::index).containsExactly(3L, 7L);
    }

    @Test
    void zxidLikeIndexesFarApartAreKept() throws Exception {
        LogStorage log = storage.open(C);
        long epoch2 = (2L << 32) + 1;
        log.write(List.of(entry((1L << 32) + 1, 1), entry((1L << 32) + 2, 1), entry(epoch2, 2)));
        log.truncateFrom((1L << 32) + 2);
        log.write(List.of(entry((1L << 32) + 2, 2)));
        log = syncAndRestart(C);
        assertThat(log.entries(1, Long.MAX_VALUE, Long.MAX_VALUE)).extracting(LogEntry::index)
                .containsExactly((1L << 32) + 1, (1L << 32) + 2);
        assertThat(log.entry((1L << 32) + 2).era()).isEqualTo(2);
    }

    @Test
    void compactionNeedsASnapshotCoveringIt() throws Exception {
        LogStorage log = storage.open(A);
        log.write(entries(1, 10, 1));
        assertThatThrownBy(() -> log.compactUpTo(1)).isInstanceOf(IllegalArgumentException.class);
        install(log, 4, 1, "s");
        assertThatThrownBy(() -> log.compactUpTo(5)).isInstanceOf(IllegalArgumentException.class);
        log.compactUpTo(4);
        assertThat(log.firstIndex()).isEqualTo(5);
        assertThat(log.entry(4)).isNull();
        assertThatThrownBy(() -> log.write(List.of(entry(4, 2)))).isInstanceOf(IllegalArgumentException.class);
        log.compactUpTo(2); // already compacted: no effect
        assertThat(log.firstIndex()).isEqualTo(5);

        LogStorage reopened = syncAndRestart(A);
        assertThat(reopened.firstIndex()).isEqualTo(5);
        assertThat(reopened.lastIndex()).isEqualTo(10);
        assertThat(reopened.entry(4)).isNull();
        assertSameEntries(reopened.entries(1, 11, Long.MAX_VALUE), entries(5, 10, 1));
    }

    @Test
    void compactingEverythingLeavesTheSnapshotIndexAsLastIndex() throws Exception {
        LogStorage log = storage.open(A);
        log.write(entries(1, 10, 1));
        install(log, 10, 1, "all");
        log.compactUpTo(10);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.firstIndex()).isEqualTo(11);
        assertThat(log.entries(1, 100, Long.MAX_VALUE)).isEmpty();

        log = syncAndRestart(A);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.firstIndex()).isEqualTo(11);
        log.write(List.of(entry(11, 2)));
        assertThat(log.firstIndex()).isEqualTo(11);
        assertThat(log.lastIndex()).isEqualTo(11);
    }

    @Test
    void truncatingToTheSnapshotIndexEmptiesTheLogAboveIt() throws Exception {
        LogStorage log = storage.open(A);
        log.write(entries(1, 10, 1));
        install(log, 5, 1, "five");
        log.compactUpTo(5);
        log.truncateFrom(6);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.firstIndex()).isEqualTo(6);
        log = syncAndRestart(A);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.firstIndex()).isEqualTo(6);
    }

    @Test
    void aSnapshotFromALeaderBeyondTheLogReplacesIt() throws Exception {
        LogStorage log = storage.open(A);
        log.write(entries(1, 3, 1));
        install(log, 50, 4, "leader's");
        log.truncateFrom(log.firstIndex());
        log.compactUpTo(50);
        assertThat(log.lastIndex()).isEqualTo(50);
        assertThat(log.firstIndex()).isEqualTo(51);
        log.write(List.of(entry(51, 4)));
        log = syncAndRestart(A);
        assertThat(log.entries(1, 100, Long.MAX_VALUE)).extracting(LogEntry::index).containsExactly(51L);
    }

    @Test
    void metadataIsReplacedWholeAndCopied() throws Exception {
        LogStorage log = storage.open(A);
        byte[] vote = {1, 2, 3};
        log.writeMetadata(vote);
        vote[0] = 9;
        assertThat(log.metadata()).containsExactly(1, 2, 3);
        log.metadata()[1] = 9;
        assertThat(log.metadata()).containsExactly(1, 2, 3);
        log.writeMetadata(new byte[] {4});
        log = syncAndRestart(A);
        assertThat(log.metadata()).containsExactly(4);
    }

    /**
     * A member writing its own snapshot while one received from the leader is installed (the
     * simulator's Paxos seed 714: the own, older one became the latest, pruned the received one, and
     * restoring the received one then failed, halting the member): the latest never moves back.
     */
    @Test
    void aSnapshotOlderThanTheInstalledOneIsDiscardedAndTheNewerOneKept() throws Exception {
        LogStorage log = storage.open(A);
        SnapshotMeta own = new SnapshotMeta(100, 1, 99, Membership.ofVoters(Set.of(Member.local("m1"))));
        try (SnapshotStore.Writer writer = log.snapshots().begin(own)) {
            writer.output().write("own".getBytes(StandardCharsets.UTF_8));
            SnapshotMeta received = install(log, 257, 2, "received");
            writer.install();
            assertThat(log.latestSnapshot()).contains(received);
            assertThat(read(log, received)).isEqualTo("received");
        }
        storage = restart(storage);
        assertThat(storage.open(A).latestSnapshot().orElseThrow().index()).isEqualTo(257);
    }

    @Test
    void aSnapshotIsInvisibleUntilInstalledAndDurableOnceInstalled() throws Exception {
        LogStorage log = storage.open(A);
        SnapshotMeta meta = new SnapshotMeta(3, 1, 3, Membership.ofVoters(Set.of(Member.local("m1"))));
        try (SnapshotStore.Writer writer = log.snapshots().begin(meta)) {
            writer.output().write(new byte[100_000]);
            assertThat(log.latestSnapshot()).isEmpty();
        } // closed without install: discarded
        assertThat(log.latestSnapshot()).isEmpty();

        SnapshotMeta first = install(log, 3, 1, "first");
        assertThat(log.latestSnapshot()).contains(first);
        assertThat(log.snapshots().latest()).contains(first);
        assertThat(read(log, first)).isEqualTo("first");
        SnapshotMeta second = install(log, 8, 2, "second");
        assertThat(log.latestSnapshot()).contains(second);
        assertThatThrownBy(() -> log.snapshots().open(first)).isInstanceOf(IOException.class);

        storage = restart(storage); // no sync: install() alone is durable
        LogStorage reopened = storage.open(A);
        assertThat(reopened.latestSnapshot()).contains(second);
        assertThat(reopened.latestSnapshot().orElseThrow().membership()).isEqualTo(second.membership());
        assertThat(read(reopened, second)).isEqualTo("second");
        assertThat(reopened.lastIndex()).isEqualTo(8);
    }

    @Test
    void aLargeSnapshotAndALargeEntryRoundTrip() throws Exception {
        LogStorage log = storage.open(A);
        byte[] big = new byte[3 << 20];
        new java.util.Random(7).nextBytes(big);
        log.write(List.of(entry(1, 1), new LogEntry(2, 1, EntryKind.COMMANDS, big), entry(3, 1)));
        SnapshotMeta meta = new SnapshotMeta(1, 1, 1, Membership.ofVoters(Set.of(Member.local("m1"))));
        try (SnapshotStore.Writer writer = log.snapshots().begin(meta)) {
            writer.output().write(big);
            writer.install();
        }
        log = syncAndRestart(A);
        assertThat(log.entry(2).payload()).isEqualTo(big);
        assertThat(log.entries(1, 4, Long.MAX_VALUE)).extracting(LogEntry::index).containsExactly(1L, 2L, 3L);
        try (InputStream in = log.snapshots().open(meta)) {
            assertThat(in.readAllBytes()).isEqualTo(big);
        }
    }

    @Test
    void interleavedGroupsStayIndependent() throws Exception {
        LogStorage a = storage.open(A);
        LogStorage b = storage.open(B);
        LogStorage c = storage.open(C);
        for (long i = 1; i <= 30; i++) {
            a.write(List.of(entry(i, 1)));
            b.write(List.of(entry(i, 2)));
            c.write(List.of(entry(i * 2, 3)));
        }
        a.truncateFrom(21);
        install(b, 10, 2, "b");
        b.compactUpTo(10);
        c.writeMetadata(new byte[] {3});
        a.writeMetadata(new byte[] {1});

        storage.sync();
        storage = restart(storage);
        a = storage.open(A);
        b = storage.open(B);
        c = storage.open(C);
        assertSameEntries(a.entries(1, 100, Long.MAX_VALUE), entries(1, 20, 1));
        assertSameEntries(b.entries(1, 100, Long.MAX_VALUE), entries(11, 30, 2));
        assertThat(c.entries(1, 100, Long.MAX_VALUE)).extracting(LogEntry::index)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 30).map(i -> i * 2).boxed().toList());
        assertThat(a.metadata()).containsExactly(1);
        assertThat(b.metadata()).isNull();
        assertThat(c.metadata()).containsExactly(3);
        assertThat(b.latestSnapshot().orElseThrow().index()).isEqualTo(10);
        assertThat(a.latestSnapshot()).isEmpty();
    }

    @Test
    void openingAGroupAgainReturnsItsLogButAnotherIdentityFails() throws Exception {
        LogStorage log = storage.open(A);
        log.write(entries(1, 2, 1));
        assertThat(storage.open(A).lastIndex()).isEqualTo(2);
        GroupIdentity otherProtocol = new GroupIdentity("c", "a", "paxos", "m1");
        assertThatThrownBy(() -> storage.open(otherProtocol)).isInstanceOf(StorageException.class)
                .hasMessageContaining("'a'").hasMessageContaining("paxos");

        storage.sync();
        storage = restart(storage);
        GroupIdentity otherMember = new GroupIdentity("c", "a", "raft", "m2");
        assertThatThrownBy(() -> storage.open(otherMember)).isInstanceOf(StorageException.class)
                .hasMessageContaining("m2");
        assertThat(storage.open(A).lastIndex()).isEqualTo(2);
    }

    @Test
    void aFinishedWriterCannotInstallAgain() throws Exception {
        LogStorage log = storage.open(A);
        SnapshotMeta meta = new SnapshotMeta(0, 0, 0, Membership.ofVoters(Set.of(Member.local("m1"))));
        SnapshotStore.Writer writer = log.snapshots().begin(meta);
        writer.install();
        assertThatThrownBy(writer::install).isInstanceOf(IllegalStateException.class);
        writer.close();
        assertThat(log.latestSnapshot()).contains(meta);
    }
}
