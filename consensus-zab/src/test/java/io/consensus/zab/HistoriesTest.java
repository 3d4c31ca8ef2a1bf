package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.Membership;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import io.consensus.core.protocol.PendingLog;
import io.consensus.storage.memory.MemoryNodeStorage;
import io.consensus.zab.Histories.Mode;
import io.consensus.zab.ZabMessage.EpochRange;
import io.consensus.zab.ZabMessage.History;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** DIFF, TRUNC and SNAP decided from a follower's history summary (paper §IV-B). */
class HistoriesTest {

    /** A log above its own latest snapshot (or none). */
    private static Histories.Based based(PendingLog log) {
        return log.latestSnapshot().map(s -> new Histories.Based(log, s.index(), s.era(),
                        Histories.Based.contiguousBelow(log, s.index())))
                .orElse(new Histories.Based(log, 0, 0, 1));
    }

    /** A log whose transaction i has epoch eras[i - 1]. */
    private static PendingLog log(long... eras) {
        LogStorage storage = new MemoryNodeStorage().open(new GroupIdentity("c", "g", "zab", "x"));
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < eras.length; i++) {
            entries.add(new LogEntry(i + 1, eras[i], EntryKind.COMMANDS, new byte[] {(byte) i}));
        }
        storage.write(entries);
        return new PendingLog(storage);
    }

    private static PendingLog compacted(long snapshotIndex, long... eras) throws Exception {
        LogStorage storage = new MemoryNodeStorage().open(new GroupIdentity("c", "g", "zab", "x"));
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < eras.length; i++) {
            entries.add(new LogEntry(i + 1, eras[i], EntryKind.COMMANDS, new byte[] {(byte) i}));
        }
        storage.write(entries);
        SnapshotMeta meta = new SnapshotMeta(snapshotIndex, eras[(int) snapshotIndex - 1], 0,
                Membership.ofVoters(new TreeSet<>()));
        try (SnapshotStore.Writer writer = storage.snapshots().begin(meta)) {
            writer.output().write(1);
            writer.install();
        }
        storage.compactUpTo(snapshotIndex);
        return new PendingLog(storage);
    }

    @Test
    void summaryListsEpochRanges() {
        History history = Histories.summarize(based(log(0, 1, 1, 3, 3, 3, 4)));
        assertThat(history.lastIndex()).isEqualTo(7);
        assertThat(history.lastEra()).isEqualTo(4);
        assertThat(history.ranges()).containsExactly(new EpochRange(0, 1, 1), new EpochRange(1, 2, 3),
                new EpochRange(3, 4, 6), new EpochRange(4, 7, 7));
    }

    @Test
    void aFollowerWhoseLogIsAPrefixGetsDiff() {
        Histories.Plan plan = Histories.plan(based(log(0, 1, 1, 2, 2)), Histories.summarize(based(log(0, 1, 1))));
        assertThat(plan).isEqualTo(new Histories.Plan(Mode.DIFF, 3, 1));
    }

    @Test
    void aFollowerWithTransactionsTheLeaderLacksGetsTruncAtTheDivergence() {
        // The follower kept (3, epoch 1) and (4, epoch 1) that the leader of epoch 2 never had.
        Histories.Plan plan = Histories.plan(based(log(0, 1, 2, 2, 2)), Histories.summarize(based(log(0, 1, 1, 1))));
        assertThat(plan).isEqualTo(new Histories.Plan(Mode.TRUNC, 2, 1));
    }

    @Test
    void aFollowerAheadOfTheLeaderGetsTrunc() {
        Histories.Plan plan = Histories.plan(based(log(0, 1, 1)), Histories.summarize(based(log(0, 1, 1, 1, 1))));
        assertThat(plan).isEqualTo(new Histories.Plan(Mode.TRUNC, 3, 1));
    }

    @Test
    void aFollowerBehindTheLeadersCompactionGetsSnap() throws Exception {
        Histories.Plan plan = Histories.plan(based(compacted(6, 0, 1, 1, 1, 1, 1, 1, 1)), Histories.summarize(based(log(0, 1, 1))));
        assertThat(plan.mode()).isEqualTo(Mode.SNAP);
    }

    @Test
    void aFollowerMatchingAtTheLeadersSnapshotGetsDiff() throws Exception {
        Histories.Plan plan = Histories.plan(based(compacted(3, 0, 1, 1, 1, 1)), Histories.summarize(based(log(0, 1, 1))));
        assertThat(plan).isEqualTo(new Histories.Plan(Mode.DIFF, 3, 1));
    }

    @Test
    void aDivergenceBelowTheLeadersCompactionGetsSnap() throws Exception {
        // The follower's (3, epoch 1) is not the leader's (3, epoch 2), which is compacted.
        Histories.Plan plan = Histories.plan(based(compacted(4, 0, 1, 2, 2, 2)), Histories.summarize(based(log(0, 1, 1))));
        assertThat(plan.mode()).isEqualTo(Mode.SNAP);
    }

    @Test
    void entriesKeptBelowTheSnapshotAreUsedOnlyWhereContiguous() throws Exception {
        PendingLog log = compacted(6, 0, 1, 1, 1, 1, 1, 1, 1); // snapshot 6, entries 1..6 compacted
        assertThat(based(log).firstIndex()).isEqualTo(7);
        LogStorage storage = new MemoryNodeStorage().open(new GroupIdentity("c", "g", "zab", "y"));
        List<LogEntry> entries = new ArrayList<>();
        for (long i = 1; i <= 9; i++) {
            if (i != 4) {
                entries.add(new LogEntry(i, 1, EntryKind.COMMANDS, new byte[0]));
            }
        }
        storage.write(entries);
        PendingLog holey = new PendingLog(storage);
        assertThat(Histories.Based.contiguousBelow(holey, 7)).isEqualTo(5);
        assertThat(new Histories.Based(holey, 7, 1, 5).firstIndex()).isEqualTo(5);
        assertThat(Histories.Based.contiguousBelow(holey, 4)).isEqualTo(5); // no entry at the base itself
    }

    @Test
    void aFollowerWhoseCommittedPrefixReachesBeyondTheLeaderIsRefused() throws Exception {
        assertThat(Histories.plan(based(log(0, 1)), Histories.summarize(based(compacted(4, 0, 1, 1, 1, 1))))).isNull();
    }

    @Test
    void aCappedSummaryOnlyUnderestimatesTheMatch() {
        History full = Histories.summarize(based(log(0, 1, 2, 3, 4)));
        History capped = new History(full.baseIndex(), full.baseEra(), full.lastIndex(), full.lastEra(),
                full.ranges().subList(3, 5));
        Histories.Plan plan = Histories.plan(based(log(0, 1, 2, 3, 5)), capped);
        assertThat(plan).isEqualTo(new Histories.Plan(Mode.TRUNC, 4, 3));
        Histories.Plan unknown = Histories.plan(based(log(0, 1, 9, 9, 9)), capped);
        assertThat(unknown).isEqualTo(new Histories.Plan(Mode.TRUNC, 0, 0)); // resend all; conflicts decide
    }
}
