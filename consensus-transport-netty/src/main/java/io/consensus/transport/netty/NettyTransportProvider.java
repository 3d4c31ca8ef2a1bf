package io.consensus.transport.netty;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.spi.Transport;
import io.consensus.api.spi.TransportProvider;

/** Makes {@link NettyTransport} the default transport when this module is on the class path. */
public final class NettyTransportProvider implements TransportProvider {

    @Override
    public Transport create(ConsensusConfig config) {
        return NettyTransport.create(config);
    }
}
