package io.consensus.storage.memory;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.StorageProvider;

/** The {@code memory} storage: a new, empty {@link MemoryNodeStorage}; everything is lost when the process ends. */
public final class MemoryStorageProvider implements StorageProvider {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public NodeStorage open(ConsensusConfig config) {
        return new MemoryNodeStorage(config.syncMode());
    }
}
