package io.consensus.api.spi;

import io.consensus.api.ConsensusConfig;

/**
 * Creates a {@link NodeStorage} for {@code consensus.storage}; found with
 * {@link java.util.ServiceLoader}.
 */
public interface StorageProvider {

    /** The configuration name, e.g. {@code file} or {@code memory}. */
    String name();

    /** Opens the node's storage in the configured data directory. */
    NodeStorage open(ConsensusConfig config);
}
