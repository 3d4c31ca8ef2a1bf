package io.consensus.transport.netty;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.Member;
import io.consensus.api.metrics.MetricsRegistry;
import io.consensus.api.spi.Envelope;
import io.consensus.api.spi.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link Transport}: length-prefixed protobuf frames over TCP with Netty, optionally with
 * mutual TLS. One server per node and one outbound connection per peer, shared by every group (each
 * envelope carries its group id); one accept thread and a few I/O threads, however many groups and
 * peers there are.
 *
 * <p>A node sends only on the connection it dialed and receives only on connections it accepted, so
 * two members are joined by two connections, one each way, and neither side has to decide which to
 * keep. Each new connection starts with a handshake (cluster id, member ids, wire version); see
 * {@code transport.proto} for the format.
 *
 * <p><b>Threads.</b> {@link #send} and {@link #stats} may be called from any thread, never block and
 * never throw. {@link #start}, {@link #updateMembers} and {@link #close} are serialized with each other.
 * The receiver is called on an I/O thread.
 */
public final class NettyTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);

    private final Member self;
    private final NettyTransportConfig settings;
    private final IoFlavor io;
    private final EventLoopGroup acceptLoop;
    private final EventLoopGroup ioLoops;
    private final Bootstrap dialTemplate;
    private final Pipelines pipelines;
    private final Backoff backoff;
    private final int maxFrameBytes;
    private final Counters counters = new Counters();
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    private volatile Set<String> memberIds;
    private MetricsRegistry metrics = MetricsRegistry.NOOP;
    private Channel server;
    private boolean started;
    private boolean closed;

    private NettyTransport(ConsensusConfig config, NettyTransportConfig settings) {
        this.self = config.self();
        this.settings = settings;
        this.maxFrameBytes = config.maxFrameBytes();
        // TLS files are loaded before any thread starts, so a bad file leaks nothing.
        this.pipelines = new Pipelines(new Identity(config.clusterId(), self.id()), id -> memberIds.contains(id),
                maxFrameBytes, settings.handshakeTimeout(), settings.tls().map(TlsContexts::load), counters);
        this.io = IoFlavor.detect();
        String prefix = "consensus-transport-" + self.id();
        this.acceptLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(prefix + "-accept", true),
                io.handlers());
        this.ioLoops = new MultiThreadIoEventLoopGroup(settings.ioThreads(),
                new DefaultThreadFactory(prefix + "-io", true), io.handlers());
        this.backoff = new Backoff(settings.reconnectBackoffMin(), settings.reconnectBackoffMax());
        this.dialTemplate = new Bootstrap()
                .channel(io.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(settings.writeBufferLowBytes(), settings.writeBufferHighBytes()))
                .option(ChannelOption.MESSAGE_SIZE_ESTIMATOR, FrameSizeEstimator.INSTANCE);
        applyMembers(config.members());
    }

    /**
     * A transport for {@code config}'s member, with {@link NettyTransportConfig} read from its
     * {@code consensus.transport.*} keys. Nothing listens or connects before {@link #start}.
     *
     * @throws io.consensus.api.ConfigException if a transport key is invalid or a TLS file unusable
     */
    public static NettyTransport create(ConsensusConfig config) {
        return new NettyTransport(config, NettyTransportConfig.from(config));
    }

    /**
     * Listens on this member's address and starts connecting to every peer.
     *
     * @throws IllegalStateException if already started or closed, or if the address cannot be bound
     */
    @Override
    public synchronized void start(Receiver receiver) {
        Objects.requireNonNull(receiver, "receiver");
        if (started || closed) {
            throw new IllegalStateException("transport of member " + self.id() + " was already "
                    + (closed ? "closed" : "started"));
        }
        ChannelFuture bound = new ServerBootstrap()
                .group(acceptLoop, ioLoops)
                .channel(io.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(pipelines.acceptor(receiver, accepted, this::metersOf))
                .bind(settings.bindHost(), self.port())
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            close();
            throw new IllegalStateException("transport of member " + self.id() + " cannot listen on "
                    + settings.bindHost() + ":" + self.port() + ": " + bound.cause().getMessage(), bound.cause());
        }
        server = bound.channel();
        started = true;
        peers.values().forEach(Peer::start);
        LOG.info("Transport of member {} listening on {} ({}, {}, {} peers)", self.id(), server.localAddress(),
                io.name(), pipelines.tls().isPresent() ? "mutual TLS" : "plain TCP", peers.size());
    }

    /**
     * Counts sent, received and dropped messages and bytes per peer on {@code registry} from now on
     * ({@code consensus.transport.*}, tags {@code member} and {@code peer}).
     */
    @Override
    public synchronized void bindMetrics(MetricsRegistry registry) {
        metrics = Objects.requireNonNull(registry, "registry");
        peers.values().forEach(peer -> peer.bindMeters(new PeerMeters(registry, self.id(), peer.member().id())));
    }

    /** The meters of a peer that authenticated on an accepted connection. */
    private PeerMeters metersOf(String memberId) {
        Peer peer = peers.get(memberId);
        return peer == null ? PeerMeters.NOOP : peer.meters();
    }

    /**
     * Replaces the set of members this node talks to and accepts connections from: the union over
     * every group on the node. New peers are dialed, removed ones disconnected, a member whose address
     * changed is redialed.
     */
    @Override
    public synchronized void updateMembers(Collection<Member> members) {
        if (!closed) {
            applyMembers(members);
        }
    }

    private void applyMembers(Collection<Member> members) {
        Map<String, Member> next = new HashMap<>();
        for (Member member : members) {
            next.put(member.id(), member);
        }
        memberIds = Set.copyOf(next.keySet());
        for (Peer peer : peers.values()) {
            if (!peer.member().equals(next.get(peer.member().id()))) {
                peers.remove(peer.member().id());
                peer.close();
            }
        }
        for (Channel channel : accepted) {
            String member = channel.attr(Remote.MEMBER_ID).get();
            if (member != null && !next.containsKey(member)) {
                channel.close();
            }
        }
        for (Member member : next.values()) {
            // A member with port 0 is never contacted over the network (Member's contract).
            if (!member.id().equals(self.id()) && member.port() != 0 && !peers.containsKey(member.id())) {
                Peer peer = new Peer(member, ioLoops.next(), dialTemplate, pipelines, backoff, maxFrameBytes);
                peer.bindMeters(new PeerMeters(metrics, self.id(), member.id()));
                peers.put(member.id(), peer);
                if (started) {
                    peer.start();
                }
            }
        }
    }

    /**
     * Queues {@code envelope} for {@code envelope.to()}; drops and counts it when that is not a peer,
     * the peer is not connected, its queue is full, or the frame is too large. Never blocks or throws.
     */
    @Override
    public void send(Envelope envelope) {
        try {
            Peer peer = envelope == null ? null : peers.get(envelope.to());
            if (peer == null) {
                counters.unroutableMessages.increment();
                return;
            }
            peer.send(envelope);
        } catch (RuntimeException e) {
            // The SPI forbids throwing: a malformed envelope (null fields) or a race with close() ends here.
            counters.unroutableMessages.increment();
            LOG.debug("Dropped an envelope that could not be queued", e);
        }
    }

    /**
     * The I/O thread, when there is just one ({@code consensus.transport.io.threads=1}, the default):
     * every connection of this transport lives on it, so the node running its event loop there hands
     * messages to and from the sockets without a thread switch.
     */
    @Override
    public ScheduledExecutorService eventLoop() {
        return settings.ioThreads() == 1 ? ioLoops.next() : null;
    }

    /** Counters since creation: per peer and node-wide. Any thread. */
    public TransportStats stats() {
        Map<String, PeerStats> byPeer = new HashMap<>();
        peers.forEach((id, peer) -> byPeer.put(id, peer.stats()));
        return new TransportStats(byPeer, counters.unroutableMessages.sum(), counters.envelopesReceived.sum(),
                counters.envelopesRejected.sum(), counters.connectionsRefused.sum(), counters.protocolErrors.sum());
    }

    /** Closes every connection and the server and stops the I/O threads; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Waiting for our own threads would deadlock if close() runs on one of them (from the receiver).
        boolean onOwnThread = onOwnThread();
        peers.values().forEach(Peer::close);
        peers.clear();
        if (server != null) {
            ChannelFuture unbound = server.close();
            if (!onOwnThread) {
                // The port is free once close() returns, so a restarted node can bind it at once.
                unbound.awaitUninterruptibly();
            }
        }
        accepted.forEach(Channel::close);
        for (EventLoopGroup group : new EventLoopGroup[] {acceptLoop, ioLoops}) {
            var terminated = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (!onOwnThread) {
                terminated.awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
        LOG.info("Transport of member {} closed", self.id());
    }

    private boolean onOwnThread() {
        for (EventLoopGroup group : new EventLoopGroup[] {acceptLoop, ioLoops}) {
            for (EventExecutor executor : group) {
                if (executor.inEventLoop()) {
                    return true;
                }
            }
        }
        return false;
    }
}
