package io.consensus.transport.netty;

/**
 * What this node says about itself in a handshake.
 *
 * @param clusterId the cluster it belongs to
 * @param memberId  its member id
 */
record Identity(String clusterId, String memberId) {

    /** The Hello this node sends to {@code peerId}. */
    Hello helloTo(String peerId) {
        return new Hello(Wire.VERSION, clusterId, memberId, peerId);
    }

    /**
     * What is wrong with a Hello that should have come from {@code expectedPeer} (null: any member),
     * or null if nothing is. The text is logged and sent to the peer, so it names both sides' values.
     */
    String mismatch(Hello hello, String expectedPeer) {
        if (hello.wireVersion() != Wire.VERSION) {
            return "wire version " + hello.wireVersion() + " differs from this node's " + Wire.VERSION;
        }
        if (!clusterId.equals(hello.clusterId())) {
            return "cluster id '" + hello.clusterId() + "' differs from this node's '" + clusterId + "'";
        }
        if (!memberId.equals(hello.peerId())) {
            return "it expected member '" + hello.peerId() + "' but this is member '" + memberId + "'";
        }
        if (memberId.equals(hello.memberId())) {
            return "it claims this node's own member id '" + memberId + "'";
        }
        if (expectedPeer != null && !expectedPeer.equals(hello.memberId())) {
            return "it is member '" + hello.memberId() + "' but member '" + expectedPeer + "' was dialed";
        }
        return null;
    }
}
