package io.consensus.core.runtime;

import io.consensus.api.Membership;
import io.consensus.api.StateMachine;
import io.consensus.api.StateMachineException;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import io.consensus.core.protocol.MembershipCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group's apply path, run on its own serial executor so a slow state machine never stalls the
 * protocol: applies committed entries in order, de-duplicates retried commands, completes this
 * member's futures, serves reads once applied far enough, and takes and restores snapshots.
 *
 * <p>All fields are confined to the apply executor except the published counters.
 */
final class Applier {

    private static final Logger log = LoggerFactory.getLogger(Applier.class);
    /** 2: the dedup table's sessions follow its keyed entries. 1 (still read): keyed entries only. */
    private static final int SNAPSHOT_FORMAT = 2;

    /** Told, on the apply executor, what was applied and what snapshot was taken. */
    interface Listener {
        void applied(long nativeIndex);

        void snapshotTaken(SnapshotMeta meta);

        /** The snapshot just taken has {@code sizeBytes} and took {@code durationMillis} to write (for metrics). */
        default void snapshotMeasured(long sizeBytes, long durationMillis) {
        }

        void fatal(Throwable error);
    }

    private final StateMachine stateMachine;
    private final SnapshotStore snapshots;
    private final DedupTable dedup;
    private final Map<String, CompletableFuture<byte[]>> waiters;
    private final long snapshotThresholdEntries;
    private final Listener listener;
    private final TreeMap<Long, List<Runnable>> waitingReads = new TreeMap<>();
    private Membership membership;
    private long appliedIndex;
    private long appliedEra;
    private long lastSnapshotIndex;
    private volatile long appliedCount;
    private final java.util.function.LongSupplier localClock;
    private volatile long logClock;
    private volatile long logClockObservedAt;
    private volatile long publishedAppliedIndex;
    private boolean halted;

    Applier(StateMachine stateMachine, SnapshotStore snapshots, long dedupTtlMillis, long snapshotThresholdEntries,
            java.util.function.LongSupplier localClock, Membership initialMembership, Listener listener) {
        this.localClock = localClock;
        this.logClockObservedAt = localClock.getAsLong();
        this.stateMachine = stateMachine;
        this.snapshots = snapshots;
        this.dedup = new DedupTable(dedupTtlMillis);
        this.waiters = new ConcurrentHashMap<>();
        this.snapshotThresholdEntries = snapshotThresholdEntries;
        this.membership = initialMembership;
        this.listener = listener;
    }

    /** Futures of commands submitted on this member, completed when they apply here. */
    Map<String, CompletableFuture<byte[]>> waiters() {
        return waiters;
    }

    long appliedCount() {
        return appliedCount;
    }

    long appliedIndex() {
        return publishedAppliedIndex;
    }

    /** Loads the newest stored snapshot, if any. Called once, before anything is applied. */
    void recover() {
        snapshots.latest().ifPresent(this::restoreFrom);
    }

    /** Replaces the state with the stored snapshot {@code meta} (one received from the leader). */
    void restoreFrom(SnapshotMeta meta) {
        try (InputStream in = snapshots.open(meta); DataInputStream data = new DataInputStream(in)) {
            int format = data.readInt();
            if (format != SNAPSHOT_FORMAT && format != 1) {
                throw new IOException("snapshot format " + format + " is not supported (expected " + SNAPSHOT_FORMAT + ")");
            }
            dedup.readFrom(data);
            if (format >= 2) {
                dedup.readSessionsFrom(data);
            }
            observeLogClock(dedup.logClockMillis());
            stateMachine.restore(data);
        } catch (IOException e) {
            halt(new IllegalStateException("cannot restore snapshot at index " + meta.index() + ": " + e.getMessage(), e));
            return;
        }
        appliedIndex = meta.index();
        appliedEra = meta.era();
        lastSnapshotIndex = meta.index();
        membership = meta.membership();
        appliedCount = meta.appliedCount();
        publish();
        log.info("restored snapshot at index {} (era {}, {} commands applied)", meta.index(), meta.era(), meta.appliedCount());
    }

    /** Applies newly committed entries, skipping any at or below what is already applied. */
    void apply(List<LogEntry> entries) {
        for (LogEntry entry : entries) {
            if (halted || entry.index() <= appliedIndex) {
                continue;
            }
            switch (entry.kind()) {
                case COMMANDS -> applyBatch(CommandBatch.decode(entry.payload()));
                case CONFIG -> membership = MembershipCodec.decode(entry.payload());
                case NOOP, PROTOCOL -> { }
            }
            appliedIndex = entry.index();
            appliedEra = entry.era();
        }
        publish();
    }

    /** Whether {@code consensus.snapshot.threshold.entries} were applied since the last snapshot. */
    boolean snapshotDue() {
        return !halted && appliedIndex - lastSnapshotIndex >= snapshotThresholdEntries;
    }

    /** Takes a snapshot if {@link #snapshotDue()}. */
    void snapshotIfDue() {
        if (snapshotDue()) {
            takeSnapshot();
        }
    }

    /**
     * Takes a snapshot now, before the entry threshold, if anything applied since the last one: the
     * node's storage asked, because this group's entries keep old log segments on disk.
     */
    void snapshotNow() {
        if (!halted && appliedIndex > lastSnapshotIndex) {
            takeSnapshot();
        }
    }

    /** Runs {@code serve} once applied up to {@code index}. */
    void whenApplied(long index, Runnable serve) {
        if (index <= appliedIndex) {
            serve.run();
        } else {
            waitingReads.computeIfAbsent(index, i -> new ArrayList<>()).add(serve);
        }
    }

    /** Answers a query against the current state. */
    byte[] query(byte[] query) throws Exception {
        return stateMachine.query(query);
    }

    /**
     * The time to stamp on a new batch: the log's own clock as last applied here, advanced by this
     * member's elapsed time since. Anchoring to the log (not to a member's clock, whose origin is
     * arbitrary) keeps dedup expiry meaningful across leaders, restarts and machines.
     */
    long logClockEstimate() {
        return logClock + Math.max(0, localClock.getAsLong() - logClockObservedAt);
    }

    private void observeLogClock(long proposedAtMillis) {
        if (proposedAtMillis > logClock) {
            logClock = proposedAtMillis;
            logClockObservedAt = localClock.getAsLong();
        }
    }

    private void applyBatch(CommandBatch batch) {
        dedup.advance(batch.proposedAtMillis());
        observeLogClock(batch.proposedAtMillis());
        if (!batch.session().isEmpty()) {
            dedup.raiseFloor(batch.session(), batch.floor());
        }
        List<Pending> fresh = new ArrayList<>(batch.commands().size());
        java.util.Set<String> keysInBatch = null;
        for (CommandBatch.Command command : batch.commands()) {
            if (command.isSequenced()) {
                // Recorded as applied now, so a copy later in this same batch is skipped too.
                if (!dedup.firstTime(batch.session(), command.sequence())) {
                    continue;
                }
                long index = appliedCount + fresh.size() + 1;
                if (index <= stateMachine.lastAppliedIndex()) {
                    appliedCount = index; // persisted by the state machine itself before a restart
                    continue;
                }
                fresh.add(new Pending(index, command));
                continue;
            }
            if (keysInBatch == null) {
                keysInBatch = new java.util.HashSet<>();
            }
            if (!keysInBatch.add(command.requestKey())) {
                continue; // a retry batched with its first copy: the first copy's result serves both
            }
            DedupTable.Cached cached = dedup.get(command.requestKey());
            if (cached != null) {
                complete(command.requestKey(), cached.result(), cached.failure());
                continue;
            }
            long index = appliedCount + fresh.size() + 1;
            if (index <= stateMachine.lastAppliedIndex()) {
                // The state machine persisted this command itself before a restart: count it, don't redo it.
                dedup.put(command.requestKey(), new byte[0], null);
                appliedCount = index;
                continue;
            }
            fresh.add(new Pending(index, command));
        }
        if (fresh.isEmpty()) {
            return;
        }
        Iterator<Pending> iterator = fresh.iterator();
        try {
            stateMachine.applyBatch(new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return iterator.hasNext();
                }

                @Override
                public StateMachine.PendingCommand next() {
                    return iterator.next();
                }
            });
        } catch (Error error) {
            halt(error);
            return;
        } catch (RuntimeException e) {
            // applyBatch itself threw: the commands it did not complete failed deterministically.
            fresh.stream().filter(p -> !p.done).forEach(p -> p.fail(e));
        }
        for (Pending pending : fresh) {
            if (!pending.done) {
                halt(new IllegalStateException("StateMachine.applyBatch left command " + pending.index + " uncompleted"));
                return;
            }
            if (!pending.command.isSequenced()) {
                dedup.put(pending.command.requestKey(), pending.result, pending.failure);
            }
            appliedCount = pending.index;
            complete(pending.command.requestKey(), pending.result, pending.failure);
        }
    }

    private void complete(String requestKey, byte[] result, String failure) {
        CompletableFuture<byte[]> waiter = waiters.remove(requestKey);
        if (waiter == null) {
            return;
        }
        if (failure != null) {
            waiter.completeExceptionally(new StateMachineException(failure, null));
        } else {
            waiter.complete(result);
        }
    }

    private void publish() {
        publishedAppliedIndex = appliedIndex;
        while (!waitingReads.isEmpty() && waitingReads.firstKey() <= appliedIndex) {
            waitingReads.pollFirstEntry().getValue().forEach(Runnable::run);
        }
        listener.applied(appliedIndex);
    }

    /**
     * Creates a new group: stores the state machine's initial state with the bootstrap membership as
     * a snapshot at index 0, so the membership is durable before any member votes, and a restart
     * finds it even if the log holds no configuration entry yet.
     */
    void bootstrap(Membership initial) {
        membership = initial;
        try {
            writeSnapshot(new SnapshotMeta(0, 0, 0, initial));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot store the bootstrap snapshot: " + e.getMessage(), e);
        }
        log.info("bootstrapped a new group with voters {}", initial.voters());
    }

    /**
     * Writes a backup of the state applied so far. Runs on the apply executor like everything here,
     * so the state cannot change while it is written: a consistent point-in-time copy.
     */
    io.consensus.api.Backup backup(java.nio.file.Path file, String groupId, String protocol) throws IOException {
        return BackupFile.write(file, groupId, protocol, new SnapshotMeta(appliedIndex, appliedEra, appliedCount, membership),
                this::writeState);
    }

    /**
     * Stores the state applied so far as a snapshot governed by {@code next} instead of the
     * configuration it was applied under: the offline unsafe recovery's new configuration.
     *
     * @return the snapshot stored
     */
    SnapshotMeta snapshotWith(Membership next) throws IOException {
        SnapshotMeta meta = new SnapshotMeta(appliedIndex, appliedEra, appliedCount, next);
        writeSnapshot(meta);
        return meta;
    }

    /** The configuration in effect at what was applied. */
    Membership membership() {
        return membership;
    }

    /** @return the snapshot's size in bytes */
    private long writeSnapshot(SnapshotMeta meta) throws IOException {
        try (SnapshotStore.Writer writer = snapshots.begin(meta)) {
            CountingOutputStream out = new CountingOutputStream(writer.output());
            writeState(out);
            // Installed only once forced: the snapshot store makes it durable before it is visible.
            writer.install();
            return out.count();
        }
    }

    /** The snapshot format: dedup table, then the state machine's own bytes. Leaves {@code out} open. */
    private void writeState(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(SNAPSHOT_FORMAT);
        dedup.writeTo(data);
        dedup.writeSessionsTo(data);
        data.flush();
        stateMachine.snapshot(out);
        out.flush();
    }

    private void takeSnapshot() {
        SnapshotMeta meta = new SnapshotMeta(appliedIndex, appliedEra, appliedCount, membership);
        long startedMillis = localClock.getAsLong();
        long sizeBytes;
        try {
            sizeBytes = writeSnapshot(meta);
        } catch (IOException e) {
            // A failed snapshot loses nothing: the log still holds every entry. Try again later.
            log.warn("snapshot at index {} failed: {}", appliedIndex, e.toString());
            lastSnapshotIndex = appliedIndex;
            return;
        }
        lastSnapshotIndex = appliedIndex;
        long durationMillis = localClock.getAsLong() - startedMillis;
        log.info("took snapshot at index {} ({} commands applied, {} bytes, {} ms)", appliedIndex, appliedCount, sizeBytes,
                durationMillis);
        listener.snapshotMeasured(sizeBytes, durationMillis);
        listener.snapshotTaken(meta);
    }

    private void halt(Throwable error) {
        halted = true;
        log.error("state machine failed fatally; this member stops applying", error);
        listener.fatal(error);
    }

    /** A command handed to the state machine; records its outcome. */
    private static final class Pending implements StateMachine.PendingCommand {
        private final long index;
        private final CommandBatch.Command command;
        private byte[] result;
        private String failure;
        private boolean done;

        Pending(long index, CommandBatch.Command command) {
            this.index = index;
            this.command = command;
        }

        @Override
        public long index() {
            return index;
        }

        @Override
        public byte[] command() {
            return command.bytes();
        }

        @Override
        public void complete(byte[] value) {
            result = value == null ? new byte[0] : value;
            done = true;
        }

        @Override
        public void fail(Exception e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            done = true;
        }
    }
}
