package io.consensus.storage;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.StorageProvider;

/** The {@code file} storage: a {@link FileNodeStorage} in {@code consensus.data.dir}. */
public final class FileStorageProvider implements StorageProvider {

    @Override
    public String name() {
        return "file";
    }

    @Override
    public NodeStorage open(ConsensusConfig config) {
        return FileNodeStorage.open(config.dataDir(), config.clusterId(), config.syncMode(), config.segmentBytes());
    }
}
