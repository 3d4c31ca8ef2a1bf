package io.consensus.core.runtime;

import io.consensus.api.Backup;
import io.consensus.api.ConsensusConfig;
import io.consensus.api.Membership;
import io.consensus.api.StateMachine;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Operations on one group's storage while no member runs it: seeding it from a backup, and the
 * unsafe forced reconfiguration. Both end with the group's state as one snapshot and an empty log,
 * which is how every protocol already starts after a bootstrap or a compaction. The caller syncs
 * and closes the storage. Not an API: use {@link io.consensus.core.Recovery}.
 */
public final class OfflineGroup {

    private static final long REPLAY_BATCH_BYTES = 4 << 20;

    /**
     * What an unsafe forced reconfiguration kept.
     *
     * @param snapshot the snapshot the member now starts from, with the new configuration
     * @param previous the configuration in effect at that point before it was replaced
     */
    public record Forced(SnapshotMeta snapshot, Membership previous) {}

    private OfflineGroup() {}

    /**
     * Seeds an empty group log with a backup's state as a snapshot at the backup's index, era 0 and
     * configuration {@code membership}. Era 0 is below every era a leader can have, so the restored
     * group starts its eras afresh, exactly as a bootstrapped one does from index 0.
     *
     * @throws IllegalStateException if the log holds anything, or the backup is of another protocol
     */
    public static SnapshotMeta restore(LogStorage log, Path backupFile, String protocol, Membership membership) throws IOException {
        if (log.lastIndex() != 0 || log.metadata() != null || log.latestSnapshot().isPresent()) {
            throw new IllegalStateException("the group's data is not empty: a backup is restored only into an empty "
                    + "data directory (last index " + log.lastIndex() + ", snapshot " + log.latestSnapshot().map(SnapshotMeta::index)
                    .map(String::valueOf).orElse("none") + ")");
        }
        BackupFile.Contents contents = BackupFile.verify(backupFile);
        Backup backup = contents.backup();
        if (!backup.protocol().equals(protocol)) {
            // Native positions mean different things per protocol; moving state between them is untested.
            throw new IllegalStateException("the backup is of a " + backup.protocol() + " group; this member runs " + protocol);
        }
        SnapshotMeta meta = new SnapshotMeta(backup.index(), 0, backup.appliedCount(), membership);
        try (SnapshotStore.Writer writer = log.snapshots().begin(meta); InputStream state = BackupFile.openState(backupFile, contents)) {
            state.transferTo(writer.output());
            writer.install();
        }
        log.compactUpTo(meta.index());
        return meta;
    }

    /**
     * Makes {@code config.self()} the only voter of its group, keeping everything in its log: restores
     * the latest snapshot into {@code stateMachine}, applies every entry after it (committed or not:
     * no member remains that could say), and stores the result as a snapshot with the new
     * configuration, then empties the log. The protocol's durable metadata (terms, votes, promises,
     * epochs) is kept, so the member's next era is above every one it took part in.
     *
     * @throws IllegalStateException if the group's log and snapshots are empty
     */
    public static Forced forceSingleVoter(LogStorage log, StateMachine stateMachine, ConsensusConfig config) throws IOException {
        if (log.lastIndex() == 0 && log.latestSnapshot().isEmpty()) {
            throw new IllegalStateException("group " + config.groupId() + " has no state in " + config.dataDir() + ": nothing to recover");
        }
        Applier applier = new Applier(stateMachine, log.snapshots(), config.dedupTtl().toMillis(), Long.MAX_VALUE,
                System::currentTimeMillis, Membership.ofVoters(new java.util.TreeSet<>(config.members())), new Failing());
        applier.recover();
        long next = log.latestSnapshot().map(SnapshotMeta::index).orElse(0L) + 1;
        while (next <= log.lastIndex()) {
            List<LogEntry> entries = log.entries(next, log.lastIndex() + 1, REPLAY_BATCH_BYTES);
            if (entries.isEmpty()) {
                break;
            }
            applier.apply(entries);
            next = entries.get(entries.size() - 1).index() + 1;
        }
        Membership previous = applier.membership();
        SnapshotMeta snapshot = applier.snapshotWith(Membership.ofVoters(new java.util.TreeSet<>(List.of(config.self()))));
        if (log.lastIndex() >= log.firstIndex()) {
            log.truncateFrom(log.firstIndex());
        }
        log.compactUpTo(snapshot.index());
        return new Forced(snapshot, previous);
    }

    /** Offline there is no one to tell: a failure to restore or apply aborts the operation. */
    private static final class Failing implements Applier.Listener {
        @Override
        public void applied(long nativeIndex) {}

        @Override
        public void snapshotTaken(SnapshotMeta meta) {}

        @Override
        public void fatal(Throwable error) {
            throw new IllegalStateException("cannot rebuild the state: " + error.getMessage(), error);
        }
    }
}
