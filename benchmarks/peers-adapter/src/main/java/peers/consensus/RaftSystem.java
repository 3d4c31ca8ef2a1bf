package peers.consensus;

/** This library running Raft. */
public final class RaftSystem extends ConsensusSystem {
    public RaftSystem() {
        super("raft");
    }
}
