package io.consensus.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Typed, immutable configuration of one member of one group. Build it in code with
 * {@link #builder()}, or from {@code .properties} keys with {@link #fromProperties(Properties)};
 * every key, its default and meaning is listed in {@code docs/configuration.md}.
 *
 * <p>Defaults are the safe ones (fsync on, linearizable reads, checksums on). An invalid value fails
 * in {@link Builder#build()} with a {@link ConfigException} naming the key and what is allowed.
 */
public final class ConsensusConfig {

    /** Keys accepted by {@link #fromProperties}. {@code consensus.transport.*} keys go to the transport. */
    public static final String PROTOCOL = "consensus.protocol";
    public static final String GROUP_ID = "consensus.group.id";
    public static final String MEMBER_ID = "consensus.member.id";
    public static final String MEMBERS = "consensus.members";
    public static final String CLUSTER_ID = "consensus.cluster.id";
    public static final String DATA_DIR = "consensus.data.dir";
    public static final String BOOTSTRAP = "consensus.bootstrap";
    public static final String STORAGE = "consensus.storage";
    public static final String STORAGE_SYNC = "consensus.storage.sync";
    public static final String SEGMENT_BYTES = "consensus.storage.segment.bytes";
    public static final String MAX_COMMAND_BYTES = "consensus.max.command.bytes";
    public static final String MAX_PENDING_PROPOSALS = "consensus.max.pending.proposals";
    public static final String TICK_MS = "consensus.tick.ms";
    public static final String ELECTION_TIMEOUT_MS = "consensus.election.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "consensus.heartbeat.interval.ms";
    public static final String LEASE_DRIFT_BOUND = "consensus.lease.drift.bound";
    public static final String QUIESCE = "consensus.quiesce";
    public static final String APPLY_INLINE = "consensus.apply.inline";
    public static final String REQUEST_TIMEOUT_MS = "consensus.request.timeout.ms";
    public static final String DEDUP_TTL_MS = "consensus.dedup.ttl.ms";
    public static final String SNAPSHOT_THRESHOLD_ENTRIES = "consensus.snapshot.threshold.entries";
    public static final String SNAPSHOT_RETAIN_ENTRIES = "consensus.snapshot.retain.entries";
    public static final String MAX_FRAME_BYTES = "consensus.transport.max.frame.bytes";
    public static final String SLOW_FSYNC_MS = "consensus.slow.fsync.ms";
    public static final String SLOW_LOOP_MS = "consensus.slow.loop.ms";
    public static final String LAGGING_FOLLOWER_MS = "consensus.lagging.follower.ms";
    public static final String LAGGING_FOLLOWER_ENTRIES = "consensus.lagging.follower.entries";
    public static final String TRANSPORT_PREFIX = "consensus.transport.";

    private static final Set<String> KEYS = Set.of(PROTOCOL, GROUP_ID, MEMBER_ID, MEMBERS, CLUSTER_ID, DATA_DIR,
            BOOTSTRAP, STORAGE, STORAGE_SYNC, SEGMENT_BYTES, MAX_COMMAND_BYTES, MAX_PENDING_PROPOSALS, TICK_MS,
            ELECTION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS, LEASE_DRIFT_BOUND, QUIESCE, REQUEST_TIMEOUT_MS, DEDUP_TTL_MS,
            SNAPSHOT_THRESHOLD_ENTRIES, SNAPSHOT_RETAIN_ENTRIES, SLOW_FSYNC_MS, SLOW_LOOP_MS, LAGGING_FOLLOWER_MS,
            LAGGING_FOLLOWER_ENTRIES);

    /** Where a member keeps its log. */
    public enum StorageKind {
        /** The segmented file log in {@code consensus.data.dir}. The default. */
        FILE,
        /** Memory only: everything is lost when the process ends. UNSAFE outside tests. */
        MEMORY_UNSAFE
    }

    private final String protocol;
    private final String groupId;
    private final String memberId;
    private final List<Member> members;
    private final String clusterId;
    private final Path dataDir;
    private final boolean bootstrap;
    private final StorageKind storage;
    private final SyncMode syncMode;
    private final long segmentBytes;
    private final int maxCommandBytes;
    private final int maxPendingProposals;
    private final Duration tick;
    private final Duration electionTimeout;
    private final Duration heartbeatInterval;
    private final double leaseDriftBound;
    private final boolean quiesce;
    private final boolean applyInline;
    private final Duration requestTimeout;
    private final Duration dedupTtl;
    private final long snapshotThresholdEntries;
    private final long snapshotRetainEntries;
    private final int maxFrameBytes;
    private final Duration slowFsync;
    private final Duration slowLoop;
    private final Duration laggingFollower;
    private final long laggingFollowerEntries;
    private final SortedMap<String, String> transportProperties;

    private ConsensusConfig(Builder b) {
        protocol = b.protocol;
        groupId = b.groupId;
        memberId = b.memberId;
        members = List.copyOf(b.members);
        clusterId = b.clusterId;
        dataDir = b.dataDir;
        bootstrap = b.bootstrap;
        storage = b.storage;
        syncMode = b.syncMode;
        segmentBytes = b.segmentBytes;
        maxCommandBytes = b.maxCommandBytes;
        maxPendingProposals = b.maxPendingProposals;
        tick = b.tick;
        electionTimeout = b.electionTimeout;
        heartbeatInterval = b.heartbeatInterval;
        leaseDriftBound = b.leaseDriftBound;
        quiesce = b.quiesce;
        applyInline = b.applyInline;
        requestTimeout = b.requestTimeout;
        dedupTtl = b.dedupTtl;
        snapshotThresholdEntries = b.snapshotThresholdEntries;
        snapshotRetainEntries = b.snapshotRetainEntries;
        maxFrameBytes = b.maxFrameBytes;
        slowFsync = b.slowFsync;
        slowLoop = b.slowLoop;
        laggingFollower = b.laggingFollower;
        laggingFollowerEntries = b.laggingFollowerEntries;
        transportProperties = Collections.unmodifiableSortedMap(new TreeMap<>(b.transportProperties));
    }

    /** A builder with every default set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads a {@code .properties} file. */
    public static ConsensusConfig load(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + file + ": " + e.getMessage(), e);
        }
        return fromProperties(properties);
    }

    /**
     * Builds from string keys. Unknown {@code consensus.*} keys are rejected, so a misspelt key never
     * silently leaves a default in force; keys outside {@code consensus.*} are ignored (an
     * application's own settings may share the file).
     */
    public static ConsensusConfig fromProperties(Properties properties) {
        Builder b = builder();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            String value = properties.getProperty(key).trim();
            if (!key.startsWith("consensus.")) {
                continue;
            }
            if (key.startsWith(TRANSPORT_PREFIX) && !key.equals(MAX_FRAME_BYTES)) {
                b.transportProperty(key, value);
                continue;
            }
            switch (key) {
                case PROTOCOL -> b.protocol(value);
                case GROUP_ID -> b.groupId(value);
                case MEMBER_ID -> b.memberId(value);
                case MEMBERS -> b.members(parseMembers(value));
                case CLUSTER_ID -> b.clusterId(value);
                case DATA_DIR -> b.dataDir(Path.of(value));
                case BOOTSTRAP -> b.bootstrap(parseBoolean(key, value));
                case STORAGE -> b.storage(parseEnum(key, value, StorageKind.class));
                case STORAGE_SYNC -> b.syncMode(parseSync(value));
                case SEGMENT_BYTES -> b.segmentBytes(parseLong(key, value));
                case MAX_COMMAND_BYTES -> b.maxCommandBytes((int) parseLong(key, value));
                case MAX_PENDING_PROPOSALS -> b.maxPendingProposals((int) parseLong(key, value));
                case TICK_MS -> b.tick(Duration.ofMillis(parseLong(key, value)));
                case ELECTION_TIMEOUT_MS -> b.electionTimeout(Duration.ofMillis(parseLong(key, value)));
                case HEARTBEAT_INTERVAL_MS -> b.heartbeatInterval(Duration.ofMillis(parseLong(key, value)));
                case LEASE_DRIFT_BOUND -> b.leaseDriftBound(parseDouble(key, value));
                case QUIESCE -> b.quiesce(parseBoolean(key, value));
                case APPLY_INLINE -> b.applyInline(parseBoolean(key, value));
                case REQUEST_TIMEOUT_MS -> b.requestTimeout(Duration.ofMillis(parseLong(key, value)));
                case DEDUP_TTL_MS -> b.dedupTtl(Duration.ofMillis(parseLong(key, value)));
                case SNAPSHOT_THRESHOLD_ENTRIES -> b.snapshotThresholdEntries(parseLong(key, value));
                case SNAPSHOT_RETAIN_ENTRIES -> b.snapshotRetainEntries(parseLong(key, value));
                case MAX_FRAME_BYTES -> b.maxFrameBytes((int) parseLong(key, value));
                case SLOW_FSYNC_MS -> b.slowFsync(Duration.ofMillis(parseLong(key, value)));
                case SLOW_LOOP_MS -> b.slowLoop(Duration.ofMillis(parseLong(key, value)));
                case LAGGING_FOLLOWER_MS -> b.laggingFollower(Duration.ofMillis(parseLong(key, value)));
                case LAGGING_FOLLOWER_ENTRIES -> b.laggingFollowerEntries(parseLong(key, value));
                default -> throw new ConfigException(key, "unknown key; known keys are " + new TreeSet<>(KEYS)
                        + ", " + MAX_FRAME_BYTES + " and other " + TRANSPORT_PREFIX + "* keys");
            }
        }
        return b.build();
    }

    private static List<Member> parseMembers(String value) {
        List<Member> members = new ArrayList<>();
        for (String part : value.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                members.add(Member.parse(part));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(MEMBERS, e.getMessage() + " (expected id@host:port, comma-separated)");
            }
        }
        return members;
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + value + "' is not a whole number");
        }
    }

    private static double parseDouble(String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + value + "' is not a number");
        }
    }

    private static boolean parseBoolean(String key, String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, "'" + value + "' is not allowed; use true or false");
        };
    }

    private static SyncMode parseSync(String value) {
        return switch (value) {
            case "fsync" -> SyncMode.FSYNC;
            case "none" -> SyncMode.NONE_UNSAFE;
            default -> throw new ConfigException(STORAGE_SYNC, "'" + value + "' is not allowed; use fsync (default) or none (unsafe)");
        };
    }

    private static <E extends Enum<E>> E parseEnum(String key, String value, Class<E> type) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value) || constant.name().toLowerCase().startsWith(value + "_")) {
                return constant;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase().replace("_unsafe", " (unsafe)"));
        }
        throw new ConfigException(key, "'" + value + "' is not allowed; use one of " + allowed);
    }

    /** The protocol name: {@code raft}, {@code paxos}, {@code zab}, or another provider's. */
    public String protocol() { return protocol; }

    /** The group this member belongs to. */
    public String groupId() { return groupId; }

    /** This member's id; it appears in {@link #members()}. */
    public String memberId() { return memberId; }

    /** The bootstrap membership, all voters. After a change, the replicated configuration wins. */
    public List<Member> members() { return members; }

    /** This member's own entry in {@link #members()}. */
    public Member self() {
        return members.stream().filter(m -> m.id().equals(memberId)).findFirst().orElseThrow();
    }

    /** The cluster id the transport handshake checks, so two clusters never talk to each other. */
    public String clusterId() { return clusterId; }

    /** The data directory, or null for {@link StorageKind#MEMORY_UNSAFE}. */
    public Path dataDir() { return dataDir; }

    /**
     * Whether this member may create a new group from {@link #members()} when its data directory is
     * empty. False (the default) means an empty member joins an existing group as a non-voter and
     * votes only once caught up, so a wiped disk never breaks a promise made before.
     */
    public boolean bootstrap() { return bootstrap; }

    /** Where the log is kept. */
    public StorageKind storage() { return storage; }

    /** Whether writes are forced before they are acknowledged. */
    public SyncMode syncMode() { return syncMode; }

    /** The size of one log segment file. */
    public long segmentBytes() { return segmentBytes; }

    /** The largest command {@code submit} accepts; always below the transport's frame limit. */
    public int maxCommandBytes() { return maxCommandBytes; }

    /** How many proposals may wait for commit before {@code submit} fails fast (backpressure). */
    public int maxPendingProposals() { return maxPendingProposals; }

    /** The length of one logical tick of a protocol core. */
    public Duration tick() { return tick; }

    /** The minimum election timeout T; a member waits a random time in [T, 2T). */
    public Duration electionTimeout() { return electionTimeout; }

    /** How often a leader heartbeats. */
    public Duration heartbeatInterval() { return heartbeatInterval; }

    /** The largest relative clock drift between members that lease reads tolerate, e.g. 0.1. */
    public double leaseDriftBound() { return leaseDriftBound; }

    /**
     * Whether a group idle for an election timeout goes quiescent: its leader stops heartbeating and
     * no member ticks it until the next request or message, so idle groups cost next to nothing.
     * The price: the first lease read after a quiet spell confirms leadership with a round, and a
     * leader that fails while quiet is replaced once its node has been silent for an election timeout.
     * Default true.
     */
    public boolean quiesce() { return quiesce; }

    /**
     * Whether committed commands are applied, and local reads served, on the node's event loop
     * instead of on an apply thread. It saves two thread hand-offs per write (tens of microseconds on
     * a lone write, and CPU under load), for state machines whose {@link StateMachine#apply} and
     * {@link StateMachine#query} are quick and never block: in-memory maps, counters, caches. The
     * price: while {@code apply} runs, every group of the node waits (a slow one delays heartbeats
     * and can cost leadership; the loop watchdog names it), and callbacks attached to the futures of
     * {@link ConsensusGroup#submit} and {@link ConsensusGroup#read} run on the event loop too, so they
     * must not block on another request's future. Snapshots, restores and backups stay on the apply
     * thread; while one runs, applying waits for it there. Default false.
     */
    public boolean applyInline() { return applyInline; }

    /** The default deadline of a request. */
    public Duration requestTimeout() { return requestTimeout; }

    /** How long a request id is remembered for exactly-once retries. */
    public Duration dedupTtl() { return dedupTtl; }

    /** Take a snapshot after this many log entries since the last one. */
    public long snapshotThresholdEntries() { return snapshotThresholdEntries; }

    /** Entries kept in the log behind a snapshot, so slightly lagging followers need no snapshot. */
    public long snapshotRetainEntries() { return snapshotRetainEntries; }

    /** The largest frame the transport sends or accepts. */
    public int maxFrameBytes() { return maxFrameBytes; }

    /** An fsync longer than this logs a WARN with its duration; zero never warns. */
    public Duration slowFsync() { return slowFsync; }

    /**
     * An event-loop task running longer than this logs a WARN with its duration and the loop's stack
     * (threaded environment only); zero disables the watchdog.
     */
    public Duration slowLoop() { return slowLoop; }

    /** On the leader, a follower not heard from for longer than this is reported lagging (WARN); zero never. */
    public Duration laggingFollower() { return laggingFollower; }

    /** On the leader, a follower more entries behind than this is reported lagging (WARN); zero never. */
    public long laggingFollowerEntries() { return laggingFollowerEntries; }

    /** The election timeout in ticks. */
    public int electionTimeoutTicks() { return (int) (electionTimeout.toMillis() / tick.toMillis()); }

    /** The heartbeat interval in ticks. */
    public int heartbeatIntervalTicks() { return (int) (heartbeatInterval.toMillis() / tick.toMillis()); }

    /** Transport-specific keys ({@code consensus.transport.*}), interpreted by the transport. */
    public SortedMap<String, String> transportProperties() { return transportProperties; }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocol = protocol;
        b.groupId = groupId;
        b.memberId = memberId;
        b.members = new ArrayList<>(members);
        b.clusterId = clusterId;
        b.dataDir = dataDir;
        b.bootstrap = bootstrap;
        b.storage = storage;
        b.syncMode = syncMode;
        b.segmentBytes = segmentBytes;
        b.maxCommandBytes = maxCommandBytes;
        b.maxPendingProposals = maxPendingProposals;
        b.tick = tick;
        b.electionTimeout = electionTimeout;
        b.heartbeatInterval = heartbeatInterval;
        b.leaseDriftBound = leaseDriftBound;
        b.quiesce = quiesce;
        b.applyInline = applyInline;
        b.requestTimeout = requestTimeout;
        b.dedupTtl = dedupTtl;
        b.snapshotThresholdEntries = snapshotThresholdEntries;
        b.snapshotRetainEntries = snapshotRetainEntries;
        b.maxFrameBytes = maxFrameBytes;
        b.slowFsync = slowFsync;
        b.slowLoop = slowLoop;
        b.laggingFollower = laggingFollower;
        b.laggingFollowerEntries = laggingFollowerEntries;
        b.transportProperties = new TreeMap<>(transportProperties);
        return b;
    }

    @Override
    public String toString() {
        return "ConsensusConfig{protocol=" + protocol + ", group=" + groupId + ", member=" + memberId
                + ", members=" + members + ", cluster=" + clusterId + ", dataDir=" + dataDir
                + ", storage=" + storage + ", sync=" + syncMode + "}";
    }

    /** Collects values; {@link #build()} validates them all. */
    public static final class Builder {
        private String protocol = "raft";
        private String groupId = "default";
        private String memberId;
        private List<Member> members = new ArrayList<>();
        private String clusterId = "consensus";
        private Path dataDir;
        private boolean bootstrap;
        private StorageKind storage = StorageKind.FILE;
        private SyncMode syncMode = SyncMode.FSYNC;
        private long segmentBytes = 64L << 20;
        private int maxCommandBytes = 1 << 20;
        private int maxPendingProposals = 10_000;
        private Duration tick = Duration.ofMillis(10);
        private Duration electionTimeout = Duration.ofMillis(1000);
        private Duration heartbeatInterval = Duration.ofMillis(100);
        private double leaseDriftBound = 0.1;
        private boolean quiesce = true;
        private boolean applyInline;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration dedupTtl = Duration.ofMinutes(10);
        private long snapshotThresholdEntries = 100_000;
        private long snapshotRetainEntries = 1_000;
        private int maxFrameBytes = 16 << 20;
        private Duration slowFsync = Duration.ofMillis(500);
        private Duration slowLoop = Duration.ofMillis(100);
        private Duration laggingFollower = Duration.ofMillis(3000);
        private long laggingFollowerEntries = 10_000;
        private Map<String, String> transportProperties = new TreeMap<>();

        private Builder() {}

        public Builder protocol(String value) { protocol = value; return this; }
        public Builder groupId(String value) { groupId = value; return this; }
        public Builder memberId(String value) { memberId = value; return this; }
        public Builder members(List<Member> value) { members = new ArrayList<>(value); return this; }
        public Builder members(Member... value) { return members(List.of(value)); }
        public Builder clusterId(String value) { clusterId = value; return this; }
        public Builder dataDir(Path value) { dataDir = value; return this; }
        public Builder bootstrap(boolean value) { bootstrap = value; return this; }
        public Builder storage(StorageKind value) { storage = value; return this; }
        public Builder syncMode(SyncMode value) { syncMode = value; return this; }
        public Builder segmentBytes(long value) { segmentBytes = value; return this; }
        public Builder maxCommandBytes(int value) { maxCommandBytes = value; return this; }
        public Builder maxPendingProposals(int value) { maxPendingProposals = value; return this; }
        public Builder tick(Duration value) { tick = value; return this; }
        public Builder electionTimeout(Duration value) { electionTimeout = value; return this; }
        public Builder heartbeatInterval(Duration value) { heartbeatInterval = value; return this; }
        public Builder leaseDriftBound(double value) { leaseDriftBound = value; return this; }
        public Builder quiesce(boolean value) { quiesce = value; return this; }
        public Builder applyInline(boolean value) { applyInline = value; return this; }
        public Builder requestTimeout(Duration value) { requestTimeout = value; return this; }
        public Builder dedupTtl(Duration value) { dedupTtl = value; return this; }
        public Builder snapshotThresholdEntries(long value) { snapshotThresholdEntries = value; return this; }
        public Builder snapshotRetainEntries(long value) { snapshotRetainEntries = value; return this; }
        public Builder maxFrameBytes(int value) { maxFrameBytes = value; return this; }
        public Builder slowFsync(Duration value) { slowFsync = value; return this; }
        public Builder slowLoop(Duration value) { slowLoop = value; return this; }
        public Builder laggingFollower(Duration value) { laggingFollower = value; return this; }
        public Builder laggingFollowerEntries(long value) { laggingFollowerEntries = value; return this; }
        public Builder transportProperty(String key, String value) { transportProperties.put(key, value); return this; }

        /**
         * Validates and freezes.
         *
         * @throws ConfigException naming the first invalid key and what it allows
         */
        public ConsensusConfig build() {
            requireText(PROTOCOL, protocol);
            requireText(GROUP_ID, groupId);
            requireText(MEMBER_ID, memberId);
            requireText(CLUSTER_ID, clusterId);
            if (!protocol.matches("[a-z][a-z0-9-]*")) {
                throw new ConfigException(PROTOCOL, "'" + protocol + "' is not a protocol name; use raft, paxos or zab");
            }
            if (members.isEmpty()) {
                throw new ConfigException(MEMBERS, "is empty; list every member as id@host:port, comma-separated");
            }
            Set<String> ids = new HashSet<>();
            Set<String> addresses = new HashSet<>();
            for (Member member : members) {
                if (!ids.add(member.id())) {
                    throw new ConfigException(MEMBERS, "member id '" + member.id() + "' appears twice; ids must be unique");
                }
                if (member.port() != 0 && !addresses.add(member.host() + ":" + member.port())) {
                    throw new ConfigException(MEMBERS, "address " + member.host() + ":" + member.port() + " appears twice");
                }
            }
            if (!ids.contains(memberId)) {
                throw new ConfigException(MEMBER_ID, "'" + memberId + "' is not among " + MEMBERS + " " + new TreeSet<>(ids));
            }
            requirePositive(TICK_MS, tick.toMillis());
            requirePositive(ELECTION_TIMEOUT_MS, electionTimeout.toMillis());
            requirePositive(HEARTBEAT_INTERVAL_MS, heartbeatInterval.toMillis());
            requirePositive(REQUEST_TIMEOUT_MS, requestTimeout.toMillis());
            requirePositive(DEDUP_TTL_MS, dedupTtl.toMillis());
            requirePositive(MAX_PENDING_PROPOSALS, maxPendingProposals);
            requirePositive(MAX_COMMAND_BYTES, maxCommandBytes);
            requirePositive(SNAPSHOT_THRESHOLD_ENTRIES, snapshotThresholdEntries);
            requireNotNegative(SNAPSHOT_RETAIN_ENTRIES, snapshotRetainEntries);
            requireNotNegative(SLOW_FSYNC_MS, slowFsync.toMillis());
            requireNotNegative(SLOW_LOOP_MS, slowLoop.toMillis());
            requireNotNegative(LAGGING_FOLLOWER_MS, laggingFollower.toMillis());
            requireNotNegative(LAGGING_FOLLOWER_ENTRIES, laggingFollowerEntries);
            if (requestTimeout.compareTo(dedupTtl) >= 0) {
                // A retried command must still find its first outcome in the dedup table.
                throw new ConfigException(REQUEST_TIMEOUT_MS, "must be below " + DEDUP_TTL_MS + " (" + dedupTtl.toMillis()
                        + "), was " + requestTimeout.toMillis());
            }
            if (segmentBytes < (1 << 16)) {
                throw new ConfigException(SEGMENT_BYTES, "must be at least 65536, was " + segmentBytes);
            }
            if (heartbeatInterval.toMillis() < tick.toMillis()) {
                throw new ConfigException(HEARTBEAT_INTERVAL_MS, "must be at least " + TICK_MS + " (" + tick.toMillis()
                        + "), was " + heartbeatInterval.toMillis());
            }
            if (electionTimeout.toMillis() < 2 * heartbeatInterval.toMillis()) {
                throw new ConfigException(ELECTION_TIMEOUT_MS, "must be at least twice " + HEARTBEAT_INTERVAL_MS + " ("
                        + 2 * heartbeatInterval.toMillis() + "), was " + electionTimeout.toMillis());
            }
            if (!(leaseDriftBound >= 0 && leaseDriftBound < 0.5)) {
                throw new ConfigException(LEASE_DRIFT_BOUND, "must be in [0, 0.5), was " + leaseDriftBound);
            }
            if (maxFrameBytes < (1 << 16)) {
                throw new ConfigException(MAX_FRAME_BYTES, "must be at least 65536, was " + maxFrameBytes);
            }
            // A command travels in a frame with envelope and batch overhead; keep a margin under the limit.
            if (maxCommandBytes > maxFrameBytes - 4096) {
                throw new ConfigException(MAX_COMMAND_BYTES, "must be at most " + MAX_FRAME_BYTES + " - 4096 ("
                        + (maxFrameBytes - 4096) + "), was " + maxCommandBytes);
            }
            if (storage == StorageKind.FILE) {
                if (dataDir == null) {
                    throw new ConfigException(DATA_DIR, "is required with " + STORAGE + "=file (the default)");
                }
                checkDataDir(dataDir);
            }
            return new ConsensusConfig(this);
        }

        private static void checkDataDir(Path dir) {
            Path existing = dir.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !Files.isDirectory(existing)) {
                throw new ConfigException(DATA_DIR, "'" + dir + "' is not a directory and cannot be created under one");
            }
            if (!Files.isWritable(existing)) {
                throw new ConfigException(DATA_DIR, "'" + existing + "' is not writable");
            }
        }

        private static void requireText(String key, String value) {
            if (value == null || value.isBlank()) {
                throw new ConfigException(key, "is required");
            }
        }

        private static void requireNotNegative(String key, long value) {
            if (value < 0) {
                throw new ConfigException(key, "must be 0 or more, was " + value);
            }
        }

        private static void requirePositive(String key, long value) {
            if (value <= 0) {
                throw new ConfigException(key, "must be positive, was " + value);
            }
        }
    }
}
