package io.consensus.api;

/**
 * One process's membership in a cluster: it hosts many groups over one transport, one log and a
 * small pool of event-loop threads, so a thousand groups do not mean a thousand threads, sockets or
 * files being forced.
 */
public interface ConsensusNode extends AutoCloseable {

    /** This node's member id. */
    String memberId();

    /**
     * Opens (and starts) a group hosted on this node. {@code config} supplies the group id,
     * protocol, membership and timing; its member id must be this node's.
     */
    ConsensusGroup openGroup(ConsensusConfig config, StateMachine stateMachine);

    /** Closes every group, then the transport and storage. */
    @Override
    void close();
}
