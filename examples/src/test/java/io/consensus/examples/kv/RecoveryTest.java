package io.consensus.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.consensus.api.Backup;
import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Member;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.core.Consensus;
import io.consensus.core.Protocols;
import io.consensus.core.Recovery;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
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
 * Backup and restore, and the unsafe forced reconfiguration, for every protocol: members in one JVM
 * over loopback sockets with the file log, small snapshot thresholds so that state lives both in
 * snapshots and in the log.
 */
class RecoveryTest {

    private static final int KEYS = 300;

    @TempDir
    Path dir;

    private final List<ConsensusGroup> running = new ArrayList<>();

    static Stream<String> protocols() {
        return Protocols.available().keySet().stream();
    }

    @AfterEach
    void closeAll() {
        running.forEach(ConsensusGroup::close);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aRestoredClusterHoldsExactlyTheStateAtTheBackup(String protocol) throws Exception {
        List<ConsensusConfig> original = configs(protocol, "a", List.of("n1", "n2", "n3"), true);
        List<ConsensusGroup> members = original.stream().map(this::start).toList();
        write(members, "k", KEYS);
        Path file = dir.resolve("kv.backup");

        // A follower's backup holds what it has applied: wait until that is everything, so the
        // test knows exactly which writes the backup holds.
        await().atMost(Duration.ofSeconds(30)).until(() -> members.get(1).status().appliedIndex() == KEYS);
        Backup backup = members.get(1).backup(file).get(30, TimeUnit.SECONDS);
        write(members, "after", 10);
        members.forEach(this::stop);

        assertThat(backup.appliedCount()).isEqualTo(KEYS);
        assertThat(backup.protocol()).isEqualTo(protocol);
        assertThat(Recovery.verify(file)).isEqualTo(backup);
        List<ConsensusConfig> restoredConfigs = configs(protocol, "b", List.of("n1", "n2", "n3"), false);
        for (ConsensusConfig config : restoredConfigs) {
            Recovery.restore(file, config);
        }
        List<ConsensusGroup> restored = restoredConfigs.stream().map(this::start).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> restored.stream().anyMatch(m -> m.status().isLeader()));
        for (int k = 0; k < KEYS; k += 37) {
            assertThat(read(restored.get(k % 3), "k" + k, ReadConsistency.LINEARIZABLE)).isEqualTo("v" + k);
        }
        assertThat(read(restored.get(0), "after0", ReadConsistency.LINEARIZABLE)).as("written after the backup").isNull();
        write(restored, "new", 30);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> restored.forEach(m ->
                assertThat(m.status().appliedIndex()).isEqualTo(KEYS + 30L)));
        assertThat(read(restored.get(2), "new29", ReadConsistency.STALE)).isEqualTo("v29");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aDamagedBackupOrANonEmptyDataDirectoryIsRefused(String protocol) throws Exception {
        List<ConsensusConfig> configs = configs(protocol, "a", List.of("n1"), true);
        ConsensusGroup member = start(configs.get(0));
        write(List.of(member), "k", 20);
        Path file = dir.resolve("kv.backup");
        member.backup(file).get(30, TimeUnit.SECONDS);
        stop(member);

        assertThatThrownBy(() -> Recovery.restore(file, configs.get(0))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not empty");
        Path damaged = dir.resolve("damaged.backup");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(damaged, bytes);
        assertThatThrownBy(() -> Recovery.verify(damaged)).isInstanceOf(IOException.class).hasMessageContaining("damaged");
        ConsensusConfig fresh = configs(protocol, "b", List.of("n1"), false).get(0);
        assertThatThrownBy(() -> Recovery.restore(damaged, fresh)).isInstanceOf(IOException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aSurvivorForcedToBeTheOnlyVoterKeepsItsStateAndTakesNewMembers(String protocol) throws Exception {
        List<ConsensusConfig> configs = configs(protocol, "a", List.of("n1", "n2", "n3"), true);
        List<ConsensusGroup> members = configs.stream().map(this::start).toList();
        write(members, "k", KEYS);
        await().atMost(Duration.ofSeconds(30)).until(() -> members.get(0).status().appliedIndex() == KEYS);
        members.forEach(this::stop); // n2 and n3 are lost for good

        Recovery.Forced forced = Recovery.forceNewCluster(configs.get(0), new KvStateMachine());

        assertThat(forced.appliedCount()).isEqualTo(KEYS);
        assertThat(forced.previous().voters()).extracting(Member::id).containsExactly("n1", "n2", "n3");
        assertThat(forced.now().voters()).extracting(Member::id).containsExactly("n1");
        ConsensusGroup survivor = start(configs.get(0));
        await().atMost(Duration.ofSeconds(30)).until(() -> survivor.status().isLeader());
        for (int k = 0; k < KEYS; k += 29) {
            assertThat(read(survivor, "k" + k, ReadConsistency.LINEARIZABLE)).isEqualTo("v" + k);
        }
        write(List.of(survivor), "alone", 20);

        ConsensusConfig joiner = configs.get(0).toBuilder()
                .memberId("n4")
                .members(List.of(configs.get(0).self(), new Member("n4", "127.0.0.1", freePort())))
                .dataDir(dir.resolve("a").resolve("n4"))
                .bootstrap(false)
                .build();
        ConsensusGroup n4 = start(joiner);
        survivor.addLearner(joiner.self()).get(30, TimeUnit.SECONDS);
        // Refused until n4 has caught up, and an attempt may outlive its answer, so attempts are not
        // awaited: the membership is the judge.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!survivor.status().membership().isVoter("n4")) {
                survivor.promote("n4");
            }
            return survivor.status().membership().isVoter("n4");
        });
        write(List.of(survivor, n4), "together", 20);
        await().atMost(Duration.ofSeconds(30)).until(() -> n4.status().appliedIndex() == KEYS + 40L);
        assertThat(read(n4, "k0", ReadConsistency.STALE)).isEqualTo("v0");
        assertThat(read(n4, "alone19", ReadConsistency.STALE)).isEqualTo("v19");
        assertThat(survivor.status().membership().voters()).extracting(Member::id).containsExactly("n1", "n4");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("protocols")
    void aMemberMovedToANewAddressRejoinsThereWithItsData(String protocol) throws Exception {
        List<ConsensusConfig> configs = configs(protocol, "m", List.of("n1", "n2", "n3"), true);
        List<ConsensusGroup> members = new ArrayList<>(configs.stream().map(this::start).toList());
        write(members, "k", 50);
        Member moved = new Member("n3", "127.0.0.1", freePort());

        // Retried until a leader accepts it: an attempt may meet an election (moving twice is harmless).
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            ConsensusGroup leader = members.stream().filter(m -> m.status().isLeader()).findFirst().orElse(null);
            if (leader == null) {
                return false;
            }
            leader.changeMembership(new MembershipChange.ChangeAddress(moved)).get(30, TimeUnit.SECONDS);
            return true;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> members.get(0).status().membership().member("n3")
                .map(m -> m.port() == moved.port()).orElse(false));
        assertThat(members.get(0).status().membership().voters()).extracting(Member::id).containsExactly("n1", "n2", "n3");

        // n3 restarts at its new address, same data directory; the others reach it there.
        stop(members.get(2));
        List<Member> addresses = List.of(configs.get(0).self(), configs.get(1).self(), moved);
        ConsensusConfig movedConfig = configs.get(2).toBuilder().members(addresses).build();
        members.set(2, start(movedConfig));
        write(members.subList(0, 2), "after", 50);
        await().atMost(Duration.ofSeconds(30)).until(() -> members.get(2).status().appliedIndex() >= 100);
        assertThat(read(members.get(2), "after49", ReadConsistency.STALE)).isEqualTo("v49");
        assertThat(read(members.get(2), "k0", ReadConsistency.LINEARIZABLE)).isEqualTo("v0");
    }

    /** Configurations of members {@code ids} of one cluster, data under {@code dir/<cluster>/<id>}. */
    private List<ConsensusConfig> configs(String protocol, String cluster, List<String> ids, boolean bootstrap) throws IOException {
        List<Member> members = new ArrayList<>();
        for (String id : ids) {
            members.add(new Member(id, "127.0.0.1", freePort()));
        }
        List<ConsensusConfig> configs = new ArrayList<>();
        for (Member member : members) {
            configs.add(ConsensusConfig.builder()
                    .protocol(protocol)
                    .clusterId("recovery-" + cluster)
                    .memberId(member.id())
                    .members(members)
                    .dataDir(dir.resolve(cluster).resolve(member.id()))
                    .bootstrap(bootstrap)
                    .electionTimeout(Duration.ofMillis(300))
                    .heartbeatInterval(Duration.ofMillis(50))
                    .snapshotThresholdEntries(100)
                    .snapshotRetainEntries(10)
                    .build());
        }
        return configs;
    }

    private ConsensusGroup start(ConsensusConfig config) {
        ConsensusGroup group = Consensus.group(config).stateMachine(new KvStateMachine()).build();
        running.add(group);
        return group;
    }

    private void stop(ConsensusGroup group) {
        group.close();
        running.remove(group);
    }

    /** Writes {@code prefix0..} with value {@code v<n>}, round-robin through {@code via}. */
    private static void write(List<ConsensusGroup> via, String prefix, int count) throws Exception {
        List<CompletableFuture<byte[]>> writes = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            writes.add(via.get(k % via.size()).submit(KvStateMachine.put(prefix + k, "v" + k)));
        }
        for (CompletableFuture<byte[]> write : writes) {
            write.get(30, TimeUnit.SECONDS);
        }
    }

    private static String read(ConsensusGroup member, String key, ReadConsistency consistency) throws Exception {
        return KvStateMachine.value(member.query(KvStateMachine.get(key), consistency).get(30, TimeUnit.SECONDS));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
