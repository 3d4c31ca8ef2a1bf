package io.consensus.core;

import io.consensus.api.Backup;
import io.consensus.api.ConsensusConfig;
import io.consensus.api.Membership;
import io.consensus.api.StateMachine;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.core.runtime.BackupFile;
import io.consensus.core.runtime.OfflineGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline operations on a member's data directory, run while the member is stopped: verifying a
 * backup, restoring one, and the unsafe recovery of a group that lost its majority for good.
 * Backups themselves are taken online with {@link io.consensus.api.ConsensusGroup#backup}.
 */
public final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    /**
     * What {@link #forceNewCluster} did.
     *
     * @param index        the native log position the member now starts after
     * @param appliedCount the applied-command count kept
     * @param previous     the configuration the group had at that point
     * @param now          the new configuration: this member as the only voter
     */
    public record Forced(long index, long appliedCount, Membership previous, Membership now) {}

    private Recovery() {}

    /**
     * Reads a whole backup file and checks its checksum.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static Backup verify(Path backupFile) throws IOException {
        return BackupFile.verify(backupFile).backup();
    }

    /**
     * Seeds this member's empty data directory from a backup, as a member of a new group whose voters
     * are {@code config.members()}. Restore the same backup on every member listed there, then start
     * them (without {@code consensus.bootstrap}); or restore one and add the others as new members.
     *
     * @return the restored state's description, with the new configuration
     * @throws IllegalStateException if the group's data is not empty or the backup is of another protocol
     * @throws IOException           if the backup is damaged or cannot be read
     */
    public static Backup restore(Path backupFile, ConsensusConfig config) throws IOException {
        Membership membership = Membership.ofVoters(new TreeSet<>(config.members()));
        try (NodeStorage storage = Consensus.openStorage(config)) {
            LogStorage groupLog = storage.open(identity(config));
            Backup backup = verify(backupFile);
            SnapshotMeta meta = OfflineGroup.restore(groupLog, backupFile, config.protocol(), membership);
            storage.sync();
            log.info("restored group {} of member {} from {}: {} commands applied, voters {}", config.groupId(),
                    config.memberId(), backupFile, meta.appliedCount(), membership.voters());
            return new Backup(backup.groupId(), backup.protocol(), meta.index(), backup.era(), meta.appliedCount(), membership,
                    backup.sizeBytes(), backup.crc32c());
        }
    }

    /**
     * UNSAFE: makes this stopped member the only voter of its group, keeping everything it holds,
     * for a group that has lost a majority of its voters for good. Commands other members committed
     * but this one never received are lost; commands in this member's log that were never committed
     * are kept. Every other old member must be wiped before it rejoins as a new member.
     *
     * @throws IllegalStateException if this member holds no state for the group
     */
    public static Forced forceNewCluster(ConsensusConfig config, StateMachine stateMachine) throws IOException {
        try (NodeStorage storage = Consensus.openStorage(config)) {
            LogStorage groupLog = storage.open(identity(config));
            OfflineGroup.Forced forced = OfflineGroup.forceSingleVoter(groupLog, stateMachine, config);
            storage.sync();
            SnapshotMeta snapshot = forced.snapshot();
            log.warn("UNSAFE: group {} forced to a new configuration with {} as its only voter, keeping {} applied commands "
                    + "through index {}; it was {}", config.groupId(), config.memberId(), snapshot.appliedCount(),
                    snapshot.index(), forced.previous().voters());
            return new Forced(snapshot.index(), snapshot.appliedCount(), forced.previous(), snapshot.membership());
        }
    }

    private static GroupIdentity identity(ConsensusConfig config) {
        return new GroupIdentity(config.clusterId(), config.groupId(), config.protocol(), config.memberId());
    }
}
