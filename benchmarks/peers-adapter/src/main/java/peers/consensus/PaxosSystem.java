package peers.consensus;

/** This library running Paxos. */
public final class PaxosSystem extends ConsensusSystem {
    public PaxosSystem() {
        super("paxos");
    }
}
