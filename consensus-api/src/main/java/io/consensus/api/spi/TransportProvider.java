package io.consensus.api.spi;

import io.consensus.api.ConsensusConfig;

/**
 * Creates the default {@link Transport} of a node when the application passes none; found with
 * {@link java.util.ServiceLoader} ({@code consensus-transport-netty} provides one).
 */
public interface TransportProvider {

    /** Creates a transport that listens on {@code config.self()} and reaches {@code config.members()}. */
    Transport create(ConsensusConfig config);
}
