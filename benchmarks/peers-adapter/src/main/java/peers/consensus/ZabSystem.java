package peers.consensus;

/** This library running Zab. */
public final class ZabSystem extends ConsensusSystem {
    public ZabSystem() {
        super("zab");
    }
}
