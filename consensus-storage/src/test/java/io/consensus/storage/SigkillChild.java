package io.consensus.storage;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.SyncMode;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The process {@link SigkillTest} kills: two threads append to two groups of one storage, each
 * printing "{@code <group> <index>}" only after {@code sync()} returned for it; now and then a group
 * snapshots and compacts, so segments are also deleted. Runs until killed.
 */
public final class SigkillChild {

    static final List<String> GROUPS = List.of("a", "b");

    private SigkillChild() {}

    static GroupIdentity identity(String group) {
        return new GroupIdentity("c", group, "raft", "m1");
    }

    static byte[] payload(String group, long index) {
        return (group + ":" + index + ":" + "p".repeat((int) (index % 200))).getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        NodeStorage storage = FileNodeStorage.open(Path.of(args[0]), "c", SyncMode.FSYNC, 64 << 10);
        for (String group : GROUPS) {
            LogStorage log = storage.open(identity(group));
            new Thread(() -> append(storage, log, group), "writer-" + group).start();
        }
    }

    private static void append(NodeStorage storage, LogStorage log, String group) {
        try {
            for (long i = log.lastIndex() + 1; ; i++) {
                log.write(List.of(new LogEntry(i, 1, EntryKind.COMMANDS, payload(group, i))));
                if (i % 50 == 0) {
                    Membership membership = Membership.ofVoters(Set.of(Member.local("m1")));
                    SnapshotMeta meta = new SnapshotMeta(i - 10, 1, i - 10, membership);
                    try (SnapshotStore.Writer writer = log.snapshots().begin(meta)) {
                        writer.output().write(payload(group, i - 10));
                        writer.install();
                    }
                    log.compactUpTo(i - 10);
                }
                storage.sync();
                synchronized (System.out) {
                    System.out.println(group + " " + i);
                    System.out.flush();
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(3);
        }
    }
}
