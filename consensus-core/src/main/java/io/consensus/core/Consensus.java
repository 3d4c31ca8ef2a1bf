package io.consensus.core;

import io.consensus.api.Backup;
import io.consensus.api.ConfigException;
import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.GroupStatus;
import io.consensus.api.LeadershipListener;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.api.StateMachine;
import io.consensus.api.SubmitOptions;
import io.consensus.api.metrics.MetricsRegistry;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.StorageProvider;
import io.consensus.api.spi.Transport;
import io.consensus.api.spi.TransportProvider;
import io.consensus.core.runtime.NodeEnvironment;
import io.consensus.core.runtime.NodeRuntime;
import io.consensus.core.runtime.ThreadedEnvironment;
import java.nio.file.Path;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The entry point: {@code Consensus.group(config).stateMachine(sm).build()} for one group, or
 * {@link #node} for a node hosting many groups over one transport and one log.
 */
public final class Consensus {

    private Consensus() {}

    /** Starts building a single group (with a node of its own). */
    public static GroupBuilder group(ConsensusConfig config) {
        return new GroupBuilder(config);
    }

    /** Starts building a node that can host many groups; {@code config} gives its member, address and storage. */
    public static NodeBuilder node(ConsensusConfig config) {
        return new NodeBuilder(config);
    }

    /** Wires a node. Storage and transport default to the ones named in the configuration. */
    public static final class NodeBuilder {
        private final ConsensusConfig config;
        private NodeStorage storage;
        private Transport transport;
        private NodeEnvironment environment;
        private MetricsRegistry metrics = MetricsRegistry.NOOP;

        private NodeBuilder(ConsensusConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Uses this storage instead of {@code consensus.storage}'s. The node closes it. */
        public NodeBuilder storage(NodeStorage value) { storage = value; return this; }

        /** Uses this transport instead of the one found on the class path. The node closes it. */
        public NodeBuilder transport(Transport value) { transport = value; return this; }

        /** Uses this environment (the testkit's virtual one) instead of real threads. */
        public NodeBuilder environment(NodeEnvironment value) { environment = value; return this; }

        /**
         * Registers the node's and its groups' meters here (see {@code ConsensusMetric}), e.g. a
         * {@code MicrometerMetrics}. Defaults to {@link MetricsRegistry#NOOP}.
         */
        public NodeBuilder metrics(MetricsRegistry value) { metrics = Objects.requireNonNull(value, "metrics"); return this; }

        public NodeRuntime build() {
            NodeStorage nodeStorage = storage != null ? storage : openStorage(config);
            Transport nodeTransport = transport != null ? transport : createTransport(config);
            NodeEnvironment env = environment != null ? environment : ThreadedEnvironment.create(config.memberId(), config.slowLoop(),
                    nodeTransport.eventLoop());
            return new NodeRuntime(config.memberId(), env, nodeStorage, nodeTransport, metrics, config.slowFsync());
        }
    }

    /** Wires one group and its own node. */
    public static final class GroupBuilder {
        private final NodeBuilder node;
        private final ConsensusConfig config;
        private StateMachine stateMachine;

        private GroupBuilder(ConsensusConfig config) {
            this.config = config;
            this.node = new NodeBuilder(config);
        }

        /** The application's state machine (required). */
        public GroupBuilder stateMachine(StateMachine value) { stateMachine = value; return this; }

        /** See {@link NodeBuilder#storage}. */
        public GroupBuilder storage(NodeStorage value) { node.storage(value); return this; }

        /** See {@link NodeBuilder#transport}. */
        public GroupBuilder transport(Transport value) { node.transport(value); return this; }

        /** See {@link NodeBuilder#environment}. */
        public GroupBuilder environment(NodeEnvironment value) { node.environment(value); return this; }

        /** See {@link NodeBuilder#metrics}. */
        public GroupBuilder metrics(MetricsRegistry value) { node.metrics(value); return this; }

        /** Builds and starts the group; closing it closes its node. */
        public ConsensusGroup build() {
            Objects.requireNonNull(stateMachine, "stateMachine is required");
            Protocols.find(config.protocol()); // fail before opening files or sockets
            NodeRuntime runtime = node.build();
            try {
                return new OwnedGroup(runtime.openGroup(config, stateMachine), runtime);
            } catch (RuntimeException e) {
                runtime.close();
                throw e;
            }
        }
    }

    static NodeStorage openStorage(ConsensusConfig config) {
        String name = config.storage() == ConsensusConfig.StorageKind.FILE ? "file" : "memory";
        TreeMap<String, StorageProvider> providers = new TreeMap<>();
        ServiceLoader.load(StorageProvider.class).forEach(p -> providers.put(p.name(), p));
        StorageProvider provider = providers.get(name);
        if (provider == null) {
            throw new ConfigException(ConsensusConfig.STORAGE, "no storage '" + name + "' on the class path (add consensus-storage); available: "
                    + providers.keySet());
        }
        return provider.open(config);
    }

    static Transport createTransport(ConsensusConfig config) {
        for (TransportProvider provider : ServiceLoader.load(TransportProvider.class)) {
            return provider.create(config);
        }
        throw new IllegalStateException("no transport on the class path: add consensus-transport-netty or pass one with transport(...)");
    }

    /** A group that owns its node: closing the group closes the node. */
    private record OwnedGroup(ConsensusGroup group, NodeRuntime node) implements ConsensusGroup {
        @Override public void start() { group.start(); }
        @Override public String memberId() { return group.memberId(); }
        @Override public String groupId() { return group.groupId(); }
        @Override public CompletableFuture<byte[]> submit(byte[] command, SubmitOptions options) { return group.submit(command, options); }
        @Override public CompletableFuture<byte[]> query(byte[] query, ReadConsistency consistency) { return group.query(query, consistency); }
        @Override public CompletableFuture<Void> changeMembership(MembershipChange change) { return group.changeMembership(change); }
        @Override public CompletableFuture<Void> transferLeadership(String memberId) { return group.transferLeadership(memberId); }
        @Override public CompletableFuture<Backup> backup(Path file) { return group.backup(file); }
        @Override public GroupStatus status() { return group.status(); }
        @Override public void addLeadershipListener(LeadershipListener listener) { group.addLeadershipListener(listener); }
        @Override public void removeLeadershipListener(LeadershipListener listener) { group.removeLeadershipListener(listener); }
        @Override public void close() { node.close(); }
    }
}
