package io.consensus.storage.memory;

import io.consensus.api.spi.NodeStorage;
import io.consensus.storage.LogStorageConformanceTest;

/** The conformance suite on the in-memory storage, restarted with {@link MemoryNodeStorage#crash()}. */
class MemoryLogStorageConformanceTest extends LogStorageConformanceTest {

    @Override
    protected NodeStorage create() {
        return new MemoryNodeStorage();
    }

    @Override
    protected NodeStorage restart(NodeStorage crashed) {
        return ((MemoryNodeStorage) crashed).crash();
    }
}
