package io.consensus.transport.netty;

/**
 * Outbound counters of one peer.
 *
 * @param memberId        the peer
 * @param connected       whether its connection is up and past the handshake
 * @param sentMessages    envelopes queued on its connection
 * @param droppedMessages envelopes dropped: not connected, its queue over the high watermark, or
 *                        larger than the frame limit
 */
public record PeerStats(String memberId, boolean connected, long sentMessages, long droppedMessages) {}
