package io.consensus.transport.netty;

import java.util.Map;

/**
 * A snapshot of {@link NettyTransport}'s counters since it was created.
 *
 * @param peers              outbound counters by member id, for current peers
 * @param unroutableMessages envelopes sent to no current peer (unknown, this node itself, or after
 *                           close), or that could not be encoded (null fields)
 * @param envelopesReceived  envelopes handed to the receiver
 * @param envelopesRejected  envelopes dropped because their {@code from} was not the connection's
 *                           authenticated member or their {@code to} was not this node
 * @param connectionsRefused inbound connections refused: handshake mismatch, unknown member, failed TLS,
 *                           or no handshake in time
 * @param protocolErrors     connections closed for an oversized, malformed or unexpected frame
 */
public record TransportStats(Map<String, PeerStats> peers, long unroutableMessages, long envelopesReceived,
        long envelopesRejected, long connectionsRefused, long protocolErrors) {

    public TransportStats {
        peers = Map.copyOf(peers);
    }
}
