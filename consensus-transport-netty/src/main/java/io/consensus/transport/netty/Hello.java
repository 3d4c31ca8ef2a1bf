package io.consensus.transport.netty;

/**
 * The first frame each side of a connection sends.
 *
 * @param wireVersion the sender's {@link Wire#VERSION}
 * @param clusterId   the sender's cluster id
 * @param memberId    the sender's member id
 * @param peerId      the member id the sender believes is on the other end
 */
record Hello(int wireVersion, String clusterId, String memberId, String peerId) {}
