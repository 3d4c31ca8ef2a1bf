package io.consensus.core.runtime;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Member;
import io.consensus.api.ConsensusNode;
import io.consensus.api.StateMachine;
import io.consensus.api.metrics.ConsensusMetric;
import io.consensus.api.metrics.Counter;
import io.consensus.api.metrics.Meter;
import io.consensus.api.metrics.MeterId;
import io.consensus.api.metrics.MetricsRegistry;
import io.consensus.api.metrics.Summary;
import io.consensus.api.metrics.Timer;
import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.api.spi.Envelope;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.Transport;
import io.consensus.core.Protocols;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node: many groups over one transport, one storage (one fsync for all) and one event loop.
 */
public final class NodeRuntime implements ConsensusNode {

    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);
    /** How often the storage is asked which groups keep old log segments on disk. */
    static final long PINNED_SEGMENTS_CHECK_MILLIS = 5_000;
    /**
     * The group id of the node-to-node liveness message: one per pair of nodes per heartbeat
     * interval, whatever the number of groups, so followers of quiescent groups know their leader's
     * node still runs. Configured group ids are never empty.
     */
    static final String LIVENESS_GROUP = "";
    private static final byte[] NO_PAYLOAD = new byte[0];

    private final String memberId;
    private final NodeEnvironment environment;
    private final NodeStorage storage;
    private final Transport transport;
    private final GroupCommitter committer;
    private final Map<String, GroupRuntime> groups = new ConcurrentHashMap<>();
    private final AtomicLong droppedUnknownGroup = new AtomicLong();
    private final MetricsRegistry metrics;
    private final LogContext logContext;
    private final Counter unknownGroupMessages;
    private final List<Meter> meters = new ArrayList<>();
    private volatile boolean closed;
    /** Loop-confined: one timer ticks every group, at the finest tick any group asked for. */
    private long tickMillis = Long.MAX_VALUE;
    private boolean ticking;
    private long nodeTicks;
    /** Loop-confined: the open groups in tick order, rebuilt when one opens or closes. */
    private GroupRuntime[] tickOrder = new GroupRuntime[0];
    private volatile boolean groupsChanged;
    /** Loop-confined: liveness messages go out this often, the finest heartbeat interval of any group. */
    private long livenessMillis = Long.MAX_VALUE;
    /** Loop-confined: when anything last arrived from each member (any group, or a liveness message). */
    private final Map<String, Long> lastHeardMillis = new HashMap<>();
    private final long startedMillis;
    /** Every other member any open group knows: where liveness messages go. */
    private volatile List<String> peers = List.of();

    /**
     * @param memberId    this node's member id
     * @param environment event loop, executors and randomness
     * @param storage     the node's storage, owned (closed) by this node
     * @param transport   the node's transport, owned (closed) by this node
     * @param metrics     where this node and its groups register their meters
     * @param slowFsync   an fsync longer than this logs a WARN; zero never
     */
    public NodeRuntime(String memberId, NodeEnvironment environment, NodeStorage storage, Transport transport,
                       MetricsRegistry metrics, Duration slowFsync) {
        this.memberId = memberId;
        this.environment = environment;
        this.storage = storage;
        this.transport = transport;
        this.metrics = metrics;
        this.logContext = LogContext.node(memberId);
        Map<String, String> tags = Map.of(MeterId.MEMBER, memberId);
        Timer fsyncLatency = register(metrics.timer(ConsensusMetric.FSYNC_LATENCY.id(tags)));
        Summary fsyncGroups = register(metrics.summary(ConsensusMetric.FSYNC_BATCH_GROUPS.id(tags)));
        this.unknownGroupMessages = register(metrics.counter(ConsensusMetric.UNKNOWN_GROUP_MESSAGES.id(tags)));
        this.committer = new GroupCommitter(environment.loop(), environment.syncExecutor(), storage, this::storageFailed,
                fsyncLatency, fsyncGroups, slowFsync.toMillis(), logContext);
        this.startedMillis = environment.loop().nowMillis();
        transport.bindMetrics(metrics);
        transport.start(this::receive);
        environment.loop().execute(this::schedulePinnedSegmentsCheck);
    }

    private void schedulePinnedSegmentsCheck() {
        environment.loop().schedule(PINNED_SEGMENTS_CHECK_MILLIS, () -> {
            if (!closed) {
                schedulePinnedSegmentsCheck();
                releasePinnedSegments();
            }
        });
    }

    /**
     * Asks each group whose entries keep old log segments on disk to snapshot and compact now: an idle
     * group would otherwise hold them until its next snapshot, which only new entries bring.
     */
    private void releasePinnedSegments() {
        for (String groupId : storage.groupsPinningSegments()) {
            GroupRuntime group = groups.get(groupId);
            if (group != null) {
                group.releaseSegments();
            }
        }
    }

    /**
     * On the loop: {@code group} needs ticks every {@code groupTickMillis}, and its members must hear
     * from this node every {@code heartbeatMillis}, from now on.
     */
    void tickEvery(long groupTickMillis, long heartbeatMillis) {
        tickMillis = Math.min(tickMillis, groupTickMillis);
        if (!ticking) {
            ticking = true;
            scheduleTick();
        }
        if (livenessMillis == Long.MAX_VALUE) {
            livenessMillis = heartbeatMillis;
            scheduleLiveness();
        }
        livenessMillis = Math.min(livenessMillis, heartbeatMillis);
    }

    private void scheduleLiveness() {
        environment.loop().schedule(livenessMillis, () -> {
            if (closed) {
                return;
            }
            for (String peer : peers) {
                transport.send(new Envelope(LIVENESS_GROUP, memberId, peer, NO_PAYLOAD));
            }
            scheduleLiveness();
        });
    }

    /**
     * On the loop: how long nothing has arrived from {@code member}'s node, counted from this node's
     * start for a member never heard from.
     */
    long silentMillis(String member) {
        Long heard = lastHeardMillis.get(member);
        return environment.loop().nowMillis() - (heard != null ? heard : startedMillis);
    }

    private void scheduleTick() {
        environment.loop().schedule(tickMillis, () -> {
            if (closed) {
                return;
            }
            if (groupsChanged) {
                groupsChanged = false;
                tickOrder = groups.values().toArray(new GroupRuntime[0]);
            }
            // A group ticks by its own clock arithmetic, so one ticking more often than its interval is a no-op.
            // Sleeping groups only look for a reason to wake once per liveness interval: it is the cost of a
            // thousand idle groups.
            boolean wakeCheck = ++nodeTicks % Math.max(1, livenessMillis / tickMillis) == 0;
            for (GroupRuntime group : tickOrder) {
                group.onNodeTick(wakeCheck);
            }
            scheduleTick();
        });
    }

    /** Whether the storage reports a full disk (see {@link NodeStorage#full()}). */
    boolean storageFull() {
        return storage.full();
    }

    private <M extends Meter> M register(M meter) {
        meters.add(meter);
        return meter;
    }

    @Override
    public String memberId() {
        return memberId;
    }

    @Override
    public ConsensusGroup openGroup(ConsensusConfig config, StateMachine stateMachine) {
        return openGroup(config, stateMachine, Protocols.find(config.protocol()));
    }

    /**
     * Opens a group driven by this protocol instance rather than the one named in the
     * configuration: for tests that inject fault switches, and for protocols not on the class path.
     */
    public ConsensusGroup openGroup(ConsensusConfig config, StateMachine stateMachine, ConsensusProtocol protocol) {
        if (!config.memberId().equals(memberId)) {
            throw new IllegalArgumentException("config is for member " + config.memberId() + " but this node is " + memberId);
        }
        if (closed) {
            throw new IllegalStateException("node " + memberId + " is closed");
        }
        LogStorage log = storage.open(new GroupIdentity(config.clusterId(), config.groupId(), config.protocol(), memberId));
        GroupRuntime group = new GroupRuntime(this, config, protocol, log, stateMachine, environment.applyExecutor().get());
        if (groups.putIfAbsent(config.groupId(), group) != null) {
            throw new IllegalStateException("group " + config.groupId() + " is already open on " + memberId);
        }
        groupsChanged = true;
        updateTransportMembers();
        group.start();
        return group;
    }

    private void receive(Envelope envelope) {
        environment.loop().execute(() -> {
            lastHeardMillis.put(envelope.from(), environment.loop().nowMillis());
            if (envelope.groupId().equals(LIVENESS_GROUP)) {
                return;
            }
            GroupRuntime group = groups.get(envelope.groupId());
            if (group == null || !memberId.equals(envelope.to())) {
                // Unknown groups are dropped and counted, never buffered: memory stays bounded.
                droppedUnknownGroup.incrementAndGet();
                unknownGroupMessages.increment();
                return;
            }
            group.receive(envelope);
        });
    }

    /** Envelopes dropped because no such group is open here. */
    public long droppedUnknownGroup() {
        return droppedUnknownGroup.get();
    }

    void send(Envelope envelope) {
        transport.send(envelope);
    }

    EventLoop loop() {
        return environment.loop();
    }

    RandomGenerator random() {
        return environment.random();
    }

    GroupCommitter committer() {
        return committer;
    }

    MetricsRegistry metrics() {
        return metrics;
    }

    void removeGroup(GroupRuntime group) {
        groups.remove(group.groupId(), group);
        groupsChanged = true;
    }

    /** The transport talks to the union of every open group's members. */
    void updateTransportMembers() {
        Map<String, Member> members = new TreeMap<>();
        for (GroupRuntime group : groups.values()) {
            for (Member member : group.knownMembers()) {
                members.putIfAbsent(member.id(), member);
            }
        }
        transport.updateMembers(members.values());
        members.remove(memberId);
        peers = List.copyOf(members.keySet());
    }

    private void storageFailed(Throwable failure) {
        logContext.enter();
        log.error("node {}: storage sync failed; every group on this node stops (data written since the last "
                + "successful sync is not assumed durable)", memberId, failure);
        new ArrayList<>(groups.values()).forEach(group -> group.halt(failure));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        new ArrayList<>(groups.values()).forEach(GroupRuntime::close);
        transport.close();
        environment.shutdown().run();
        storage.close();
        meters.forEach(Meter::remove);
    }
}
