package peers.consensus;

import io.consensus.benchmarks.BenchCluster;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import peers.harness.RunSpec;
import peers.harness.SystemUnderTest;

/**
 * This library in the peer harness: the replicas in this JVM, each with its own file log and fsync
 * as configured, the Netty transport on loopback, writes submitted embedded on the leader (as the
 * Ratis and SOFAJRaft adapters do). All the work is {@link BenchCluster}'s, shared with the project's
 * own load generator; this class only binds it to the harness's interface.
 */
public abstract class ConsensusSystem implements SystemUnderTest {

    private final String protocol;
    private BenchCluster cluster;

    protected ConsensusSystem(String protocol) {
        this.protocol = protocol;
    }

    @Override
    public String name() {
        return "consensus-" + protocol;
    }

    @Override
    public void start(Path dataDir, RunSpec spec) throws Exception {
        cluster = BenchCluster.start(new BenchCluster.Spec(protocol, spec.replicas(), 1, spec.fsync(), true, dataDir));
    }

    @Override
    public CompletableFuture<?> write(byte[] key, byte[] value) {
        return cluster.write(0, key, value);
    }

    @Override
    public void close() {
        cluster.close();
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("protocol", protocol);
        settings.put("transport", "netty, loopback TCP");
        settings.put("log", "consensus-storage file log, one per replica");
        settings.put("fsync", String.valueOf(cluster.spec().fsync()));
        settings.put("submission", "embedded on the leader");
        settings.put("apply", "on the event loop (consensus.apply.inline; the map's put never blocks)");
        return settings;
    }

    @Override
    public Map<String, Object> stats() {
        return Map.of("leader_changes", cluster.leaderChanges(), "map_sizes", cluster.mapSizes(0));
    }
}
