package io.consensus.storage;

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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A seeded random workload of writes, rewrites, truncations, metadata, snapshots with compaction and
 * syncs over three groups, interrupted by crashes, checked against a model: after each crash the
 * recovered state must equal the model after some prefix of the mutations (one mutation per record)
 * that includes every mutation a completed sync covered. So nothing acknowledged is lost, nothing
 * unwritten appears, and no later record survives an earlier lost one.
 */
public final class CrashWorkload {

    /** The storage under test. */
    public interface Subject {
        NodeStorage create() throws Exception;

        /** Crashes {@code storage}, keeping random pieces of unsynced writes when {@code tear} is not null. */
        NodeStorage crash(NodeStorage storage, Random tear) throws Exception;
    }

    private static final List<GroupIdentity> GROUPS = List.of(new GroupIdentity("c", "a", "raft", "m"),
            new GroupIdentity("c", "b", "paxos", "m"), new GroupIdentity("c", "z", "zab", "m"));
    private static final Membership MEMBERSHIP = Membership.ofVoters(Set.of(Member.local("m")));

    /** One mutation of the model. */
    private record Op(String group, char type, long index, String value) {}

    private final Subject subject;
    private final Random random;
    /** Group id to (index to "era:kind:payload"), plus "#meta" to the metadata. */
    private TreeMap<String, TreeMap<Long, String>> base = new TreeMap<>();
    private final List<Op> ops = new ArrayList<>();
    private int synced;
    private final Map<String, SnapshotMeta> snapshots = new TreeMap<>();

    private CrashWorkload(Subject subject, long seed) {
        this.subject = subject;
        this.random = new Random(seed);
    }

    /**
     * Runs {@code cycles} rounds of {@code steps} mutations, each ended by a crash (tearing when the seed
     * says so), and returns the first violation found.
     */
    public static Optional<String> run(Subject subject, long seed, int cycles, int steps) throws Exception {
        return new CrashWorkload(subject, seed).run(cycles, steps);
    }

    private Optional<String> run(int cycles, int steps) throws Exception {
        NodeStorage storage = subject.create();
        for (int cycle = 0; cycle < cycles; cycle++) {
            Map<String, LogStorage> logs = new TreeMap<>();
            for (GroupIdentity id : GROUPS) {
                logs.put(id.groupId(), storage.open(id));
            }
            for (int step = 0; step < steps; step++) {
                step(storage, logs);
            }
            Optional<String> violation;
            try {
                storage = subject.crash(storage, random.nextBoolean() ? random : null);
                violation = check(storage, cycle);
            } catch (StorageException e) {
                violation = Optional.of("cycle " + cycle + ": recovery failed: " + e.getMessage());
            }
            if (violation.isPresent()) {
                return violation;
            }
        }
        storage.close();
        return Optional.empty();
    }

    private void step(NodeStorage storage, Map<String, LogStorage> logs) throws Exception {
        String group = GROUPS.get(random.nextInt(GROUPS.size())).groupId();
        LogStorage log = logs.get(group);
        int dice = random.nextInt(100);
        if (dice < 50) {
            int count = 1 + random.nextInt(4);
            List<LogEntry> batch = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                boolean rewrite = log.lastIndex() >= log.firstIndex() && random.nextInt(4) == 0;
                long index = rewrite ? log.firstIndex() + random.nextInt((int) (log.lastIndex() - log.firstIndex() + 1))
                        : Math.max(log.lastIndex(), batch.isEmpty() ? 0 : batch.get(batch.size() - 1).index()) + 1;
                byte[] payload = new byte[random.nextInt(300)];
                random.nextBytes(payload);
                LogEntry e = new LogEntry(index, random.nextInt(5), EntryKind.values()[random.nextInt(4)], payload);
                batch.add(e);
                ops.add(new Op(group, 'w', index, e.era() + ":" + e.kind() + ":" + HexFormat.of().formatHex(payload)));
            }
            log.write(batch);
        } else if (dice < 60 && log.lastIndex() >= log.firstIndex()) {
            long from = log.firstIndex() + random.nextInt((int) (log.lastIndex() - log.firstIndex() + 2));
            log.truncateFrom(from);
            ops.add(new Op(group, 't', from, null));
        } else if (dice < 70) {
            byte[] metadata = new byte[1 + random.nextInt(40)];
            random.nextBytes(metadata);
            log.writeMetadata(metadata);
            ops.add(new Op(group, 'm', 0, HexFormat.of().formatHex(metadata)));
        } else if (dice < 77 && log.lastIndex() >= log.firstIndex()) {
            long upTo = log.firstIndex() + random.nextInt((int) (log.lastIndex() - log.firstIndex() + 1));
            SnapshotMeta meta = new SnapshotMeta(upTo, 0, upTo, MEMBERSHIP);
            try (SnapshotStore.Writer writer = log.snapshots().begin(meta)) {
                writer.output().write(("snapshot " + upTo).getBytes());
                writer.install();
            }
            // A crash can lose the compaction after a snapshot, so upTo may be below the installed
            // snapshot; the store then keeps the newer one (the latest never moves back).
            snapshots.merge(group, meta, (installed, offered) -> offered.index() >= installed.index() ? offered : installed);
            log.compactUpTo(upTo);
            ops.add(new Op(group, 'c', upTo, null));
        } else {
            storage.sync();
            synced = ops.size();
        }
    }

    /** Finds a prefix of the mutations, at least as long as the synced ones, that explains the recovered state. */
    private Optional<String> check(NodeStorage storage, int cycle) throws Exception {
        TreeMap<String, TreeMap<Long, String>> observed = new TreeMap<>();
        for (GroupIdentity id : GROUPS) {
            LogStorage log = storage.open(id);
            TreeMap<Long, String> state = new TreeMap<>();
            for (LogEntry e : log.entries(1, Long.MAX_VALUE, Long.MAX_VALUE)) {
                state.put(e.index(), e.era() + ":" + e.kind() + ":" + HexFormat.of().formatHex(e.payload()));
            }
            if (log.metadata() != null) {
                state.put(-1L, HexFormat.of().formatHex(log.metadata()));
            }
            observed.put(id.groupId(), state);
            Optional<SnapshotMeta> expected = Optional.ofNullable(snapshots.get(id.groupId()));
            if (!log.latestSnapshot().equals(expected)) {
                return Optional.of("cycle " + cycle + ": group " + id.groupId() + " has snapshot "
                        + log.latestSnapshot() + ", expected " + expected);
            }
        }
        TreeMap<String, TreeMap<Long, String>> model = copy(base);
        for (int k = 0; k <= ops.size(); k++) {
            if (k > 0) {
                apply(model, ops.get(k - 1));
            }
            if (k >= synced && model.equals(observed)) {
                base = model;
                ops.clear();
                synced = 0;
                return Optional.empty();
            }
        }
        return Optional.of("cycle " + cycle + ": the recovered state matches no prefix of the " + ops.size()
                + " mutations that includes the " + synced + " synced ones; recovered " + summary(observed)
                + ", after the synced ones " + summary(stateAfter(synced)));
    }

    private TreeMap<String, TreeMap<Long, String>> stateAfter(int count) {
        TreeMap<String, TreeMap<Long, String>> model = copy(base);
        ops.subList(0, count).forEach(op -> apply(model, op));
        return model;
    }

    private static void apply(TreeMap<String, TreeMap<Long, String>> model, Op op) {
        TreeMap<Long, String> state = model.get(op.group());
        switch (op.type()) {
            case 'w' -> state.put(op.index(), op.value());
            case 't' -> state.tailMap(op.index(), true).clear();
            case 'c' -> state.subMap(0L, true, op.index(), true).clear();
            case 'm' -> state.put(-1L, op.value());
            default -> throw new IllegalStateException("unknown op " + op);
        }
    }

    private static TreeMap<String, TreeMap<Long, String>> copy(TreeMap<String, TreeMap<Long, String>> model) {
        TreeMap<String, TreeMap<Long, String>> copy = new TreeMap<>();
        for (GroupIdentity id : GROUPS) {
            copy.put(id.groupId(), new TreeMap<>(model.getOrDefault(id.groupId(), new TreeMap<>())));
        }
        return copy;
    }

    private static String summary(TreeMap<String, TreeMap<Long, String>> model) {
        StringBuilder s = new StringBuilder();
        model.forEach((group, state) -> s.append(group).append("=").append(state.keySet()).append(' '));
        return s.toString();
    }
}
