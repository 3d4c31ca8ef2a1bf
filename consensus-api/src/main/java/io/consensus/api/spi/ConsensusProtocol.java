package io.consensus.api.spi;

/**
 * A protocol, discovered with {@link java.util.ServiceLoader} so that {@code consensus.protocol=zab}
 * needs only the module on the class path. Implementations must have a public no-argument
 * constructor and be listed in {@code META-INF/services/io.consensus.api.spi.ConsensusProtocol}.
 */
public interface ConsensusProtocol {

    /** The name used in {@code consensus.protocol}, lower case: {@code raft}, {@code paxos}, {@code zab}. */
    String name();

    /** Creates the core of one member of one group. */
    ProtocolCore createCore(CoreContext context);

    /** The codec for this protocol's messages. */
    MessageCodec codec();
}
