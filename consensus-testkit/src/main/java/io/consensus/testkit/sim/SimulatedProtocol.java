package io.consensus.testkit.sim;

import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.MessageCodec;
import io.consensus.api.spi.ProtocolCore;

/**
 * Lets a simulation run a protocol <em>instance</em> (one built with test-only fault switches, say)
 * although the runtime finds protocols by name with {@link java.util.ServiceLoader}: this provider
 * is registered under the name {@value #NAME} and delegates to the instance that the simulation
 * running on the current thread installed. A simulation runs entirely on the thread that calls it,
 * so simulations on different threads do not see each other's protocol.
 *
 * <p>Not for use outside the simulator.
 */
public final class SimulatedProtocol implements ConsensusProtocol {

    /** The protocol name simulations of an instance configure. */
    public static final String NAME = "simulated";

    private static final ThreadLocal<ConsensusProtocol> CURRENT = new ThreadLocal<>();

    /** For {@link java.util.ServiceLoader}. */
    public SimulatedProtocol() {
    }

    static void install(ConsensusProtocol protocol) {
        CURRENT.set(protocol);
    }

    static void uninstall() {
        CURRENT.remove();
    }

    private static ConsensusProtocol current() {
        ConsensusProtocol protocol = CURRENT.get();
        if (protocol == null) {
            throw new IllegalStateException("protocol '" + NAME + "' is only available inside a running simulation");
        }
        return protocol;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ProtocolCore createCore(CoreContext context) {
        return current().createCore(context);
    }

    @Override
    public MessageCodec codec() {
        return current().codec();
    }
}
