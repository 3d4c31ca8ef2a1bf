package io.consensus.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.Member;
import io.consensus.api.SyncMode;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.NodeStorage;
import io.consensus.api.spi.StorageProvider;
import io.consensus.storage.memory.MemoryNodeStorage;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageProvidersTest {

    @TempDir
    Path dir;

    @Test
    void fileAndMemoryAreFoundByName() {
        Map<String, StorageProvider> providers = new TreeMap<>();
        ServiceLoader.load(StorageProvider.class).forEach(p -> providers.put(p.name(), p));
        assertThat(providers).containsOnlyKeys("file", "memory");

        ConsensusConfig config = ConsensusConfig.builder().memberId("m1").members(Member.local("m1")).dataDir(dir)
                .syncMode(SyncMode.NONE_UNSAFE).build();
        try (NodeStorage file = providers.get("file").open(config)) {
            assertThat(file).isInstanceOf(FileNodeStorage.class);
            assertThat(file.durable()).isFalse();
            file.open(new GroupIdentity(config.clusterId(), "g", "raft", "m1"));
        }
        try (NodeStorage memory = providers.get("memory").open(config)) {
            assertThat(memory).isInstanceOf(MemoryNodeStorage.class);
            assertThat(memory.durable()).isFalse();
        }
    }
}
