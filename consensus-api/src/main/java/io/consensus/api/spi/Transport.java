package io.consensus.api.spi;

import io.consensus.api.Member;
import java.util.Collection;

/**
 * The network of one node, shared by all its groups. It knows nothing of any protocol.
 *
 * <p><b>Delivery.</b> Best effort: messages may be lost, duplicated or reordered, and the protocols
 * tolerate that by resending. So {@link #send} must never block and never throw; when a peer is
 * unreachable or its queue is full, the message is dropped (and counted).
 */
public interface Transport extends AutoCloseable {

    /** Starts listening and delivering inbound envelopes to {@code receiver}. */
    void start(Receiver receiver);

    /** Tells the transport where members are; called when the membership changes. */
    void updateMembers(Collection<Member> members);

    /** Queues {@code envelope} for sending to {@code envelope.to()}. Non-blocking, never throws. */
    void send(Envelope envelope);

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
