package io.consensus.transport.netty;

import io.consensus.api.spi.Envelope;
import io.consensus.api.spi.Transport.Receiver;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the envelopes of an authenticated connection to the {@link Receiver}. An envelope whose
 * {@code from} is not the member that authenticated, or whose {@code to} is not this member, is
 * dropped and counted: a member may speak only for itself. The group id is not checked here: the
 * transport serves every group of the node and does not know which exist, so an unknown group is the
 * runtime's to drop.
 */
final class InboundDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(InboundDispatcher.class);

    private final String selfId;
    private final String remoteId;
    private final Receiver receiver;
    private final Counters counters;
    private final PeerMeters meters;
    private boolean warned;

    InboundDispatcher(String selfId, String remoteId, Receiver receiver, Counters counters, PeerMeters meters) {
        this.selfId = selfId;
        this.remoteId = remoteId;
        this.receiver = receiver;
        this.counters = counters;
        this.meters = meters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Envelope envelope)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!envelope.from().equals(remoteId) || !envelope.to().equals(selfId)) {
            counters.envelopesRejected.increment();
            if (!warned) {
                // Once per connection: a misbehaving peer must not flood the log.
                warned = true;
                LOG.warn("Dropping envelopes from {} that claim to be from '{}' to '{}' (later ones are only counted)",
                        Remote.describe(ctx.channel()), envelope.from(), envelope.to());
            }
            return;
        }
        counters.envelopesReceived.increment();
        meters.receivedMessages.increment();
        meters.receivedBytes.increment(envelope.payload().length);
        try {
            receiver.receive(envelope);
        } catch (RuntimeException e) {
            // The receiver's bug must not cost the connection every later message.
            LOG.warn("The receiver failed on an envelope of group '{}' from {}; it is dropped", envelope.groupId(),
                    remoteId, e);
        }
    }
}
