package io.consensus.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Member;
import io.consensus.api.ReadConsistency;
import io.consensus.core.Consensus;
import io.consensus.core.Protocols;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every protocol on the class path, as three members in one JVM over real loopback sockets (the
 * Netty transport) with the file log and fsync on: thousands of writes and reads, one member closed
 * and restarted from its data directory, and all members converge.
 */
class LoopbackClusterTest {

    private static final int WRITES = 2000;

    @TempDir
    Path dataRoot;

    private final ConsensusGroup[] members = new ConsensusGroup[3];
    private final ConsensusConfig[] configs = new ConsensusConfig[3];

    static Stream<String> protocols() {
        return Protocols.available().keySet().stream();
    }

    @AfterEach
    void closeAll() {
        for (ConsensusGroup member : members) {
            if (member != null) {
                member.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void writesSurviveAMemberRestartAndAllMembersConverge(String protocol) throws Exception {
        List<Member> addresses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            addresses.add(new Member("n" + (i + 1), "127.0.0.1", freePort()));
        }
        for (int i = 0; i < 3; i++) {
            configs[i] = ConsensusConfig.builder()
                    .protocol(protocol)
                    .clusterId("loopback-" + protocol)
                    .memberId("n" + (i + 1))
                    .members(addresses)
                    .dataDir(dataRoot.resolve("n" + (i + 1)))
                    .bootstrap(true)
                    .electionTimeout(Duration.ofMillis(300))
                    .heartbeatInterval(Duration.ofMillis(50))
                    .snapshotThresholdEntries(500)
                    .snapshotRetainEntries(50)
                    .build();
            start(i);
        }

        writeRange(0, WRITES / 2);
        int restarted = 1;
        members[restarted].close();
        members[restarted] = null;
        writeRange(WRITES / 2, WRITES);
        start(restarted);

        for (int k = 0; k < WRITES; k += 97) {
            String value = KvStateMachine.value(members[k % 3].query(KvStateMachine.get("k" + k), ReadConsistency.LINEARIZABLE)
                    .get(10, TimeUnit.SECONDS));
            assertThat(value).isEqualTo("v" + k);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (ConsensusGroup member : members) {
                assertThat(member.status().appliedIndex()).isGreaterThanOrEqualTo(WRITES);
            }
        });
        for (ConsensusGroup member : members) {
            for (int k = 0; k < WRITES; k++) {
                String value = KvStateMachine.value(member.query(KvStateMachine.get("k" + k), ReadConsistency.STALE)
                        .get(10, TimeUnit.SECONDS));
                assertThat(value).as("k%d on %s", k, member.memberId()).isEqualTo("v" + k);
            }
        }
    }

    private void start(int i) {
        members[i] = Consensus.group(configs[i]).stateMachine(new KvStateMachine()).build();
    }

    /** Writes keys [from, to) through every live member in turn, 64 at a time. */
    private void writeRange(int from, int to) throws Exception {
        List<CompletableFuture<byte[]>> inFlight = new ArrayList<>();
        for (int k = from; k < to; k++) {
            ConsensusGroup via = members[k % 3] != null ? members[k % 3] : members[(k + 1) % 3];
            inFlight.add(via.submit(KvStateMachine.put("k" + k, "v" + k)));
            if (inFlight.size() == 64) {
                for (CompletableFuture<byte[]> write : inFlight) {
                    write.get(15, TimeUnit.SECONDS);
                }
                inFlight.clear();
            }
        }
        for (CompletableFuture<byte[]> write : inFlight) {
            write.get(15, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
