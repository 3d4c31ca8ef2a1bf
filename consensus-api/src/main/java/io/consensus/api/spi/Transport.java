package io.consensus.api.spi;

import io.consensus.api.Member;
import io.consensus.api.metrics.MetricsRegistry;
import java.util.Collection;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The network of one node, shared by all its groups. It knows nothing of any protocol.
 *
 * <p><b>Delivery.</b> Best effort: messages may be lost, duplicated or reordered, and the protocols
 * tolerate that by resending. So {@link #send} must never block and never throw; when a peer is
 * unreachable or its queue is full, the message is dropped (and counted).
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts listening and delivering inbound envelopes to {@code receiver}.
     *
     * @throws IllegalStateException if already started or closed, or the address cannot be bound
     */
    void start(Receiver receiver);

    /**
     * Hands the transport the node's metrics registry, once, before {@link #start}. A transport that
     * counts traffic per peer registers its meters there ({@code consensus.transport.*} in
     * {@link io.consensus.api.metrics.ConsensusMetric}, tags {@code member} and {@code peer}) and
     * removes a peer's meters when the peer leaves. The default registers nothing.
     */
    default void bindMetrics(MetricsRegistry registry) {
    }

    /**
     * Replaces the set of members this node talks to and accepts connections from: the union of the
     * memberships of every group on the node.
     */
    void updateMembers(Collection<Member> members);

    /**
     * Queues {@code envelope} for sending to {@code envelope.to()}. Non-blocking, never throws. An
     * envelope addressed to this node itself, or to an unknown member, is dropped and counted.
     */
    void send(Envelope envelope);

    /**
     * The one thread this transport does all its I/O on, offered to the node to run its event loop
     * on as well, or null (the default) when it has no single such thread. On it, a message received
     * reaches its group and a message sent reaches its socket without a hand-off between threads:
     * a thread wake-up fewer each way, which is most of a lone write's latency on a virtualised
     * machine. The node then never blocks on this executor's shutdown from inside it, and tolerates
     * {@link java.util.concurrent.RejectedExecutionException} once the transport is closed. Called
     * once, before {@link #start}.
     */
    default ScheduledExecutorService eventLoop() {
        return null;
    }

    /** Stops listening and closes every connection. */
    @Override
    void close();

    /** Receives inbound envelopes. */
    @FunctionalInterface
    interface Receiver {
        /**
         * Called on a transport thread for each inbound envelope, in arrival order per sender. Must
         * not block; hands the envelope to the group's event loop.
         */
        void receive(Envelope envelope);
    }
}
