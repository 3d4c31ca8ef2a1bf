package io.consensus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConsensusConfigTest {

    @TempDir
    static Path dataDir;

    private static Properties valid() {
        Properties p = new Properties();
        p.setProperty("consensus.protocol", "raft");
        p.setProperty("consensus.member.id", "n1");
        p.setProperty("consensus.members", "n1@localhost:7001, n2@localhost:7002,n3@localhost:7003");
        p.setProperty("consensus.data.dir", dataDir.resolve("n1").toString());
        return p;
    }

    private static Properties with(String key, String value) {
        Properties p = valid();
        if (value == null) {
            p.remove(key);
        } else {
            p.setProperty(key, value);
        }
        return p;
    }

    @Test
    void validPropertiesBuildWithSafeDefaults() {
        ConsensusConfig config = ConsensusConfig.fromProperties(valid());

        assertThat(config.protocol()).isEqualTo("raft");
        assertThat(config.members()).extracting(Member::id).containsExactly("n1", "n2", "n3");
        assertThat(config.self()).isEqualTo(new Member("n1", "localhost", 7001));
        assertThat(config.syncMode()).isEqualTo(SyncMode.FSYNC);
        assertThat(config.storage()).isEqualTo(ConsensusConfig.StorageKind.FILE);
        assertThat(config.bootstrap()).isFalse();
        assertThat(config.electionTimeoutTicks()).isEqualTo(100);
        assertThat(config.heartbeatIntervalTicks()).isEqualTo(10);
    }

    @Test
    void transportKeysArePassedThroughAndOtherPrefixesIgnored() {
        Properties p = with("consensus.transport.tls.enabled", "true");
        p.setProperty("http.port", "8080");

        ConsensusConfig config = ConsensusConfig.fromProperties(p);

        assertThat(config.transportProperties()).containsEntry("consensus.transport.tls.enabled", "true");
    }

    @Test
    void unsafeModesAreNamedAsSuch() {
        Properties p = with("consensus.storage.sync", "none");
        p.setProperty("consensus.storage", "memory");

        ConsensusConfig config = ConsensusConfig.fromProperties(p);

        assertThat(config.syncMode()).isEqualTo(SyncMode.NONE_UNSAFE);
        assertThat(config.storage()).isEqualTo(ConsensusConfig.StorageKind.MEMORY_UNSAFE);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of(with("consensus.protocol", "Raft!"), "consensus.protocol", "use raft, paxos or zab"),
                Arguments.of(with("consensus.member.id", null), "consensus.member.id", "is required"),
                Arguments.of(with("consensus.member.id", "n9"), "consensus.member.id", "'n9' is not among consensus.members [n1, n2, n3]"),
                Arguments.of(with("consensus.members", ""), "consensus.members", "is empty"),
                Arguments.of(with("consensus.members", "n1@localhost:7001,n1@localhost:7002"), "consensus.members", "member id 'n1' appears twice"),
                Arguments.of(with("consensus.members", "n1@localhost:7001,n2@localhost:7001"), "consensus.members", "address localhost:7001 appears twice"),
                Arguments.of(with("consensus.members", "n1@localhost"), "consensus.members", "expected id@host:port"),
                Arguments.of(with("consensus.members", "n1@localhost:http"), "consensus.members", "port that is not a number"),
                Arguments.of(with("consensus.members", "n1@localhost:70000"), "consensus.members", "outside 0..65535"),
                Arguments.of(with("consensus.election.timeout.ms", "-5"), "consensus.election.timeout.ms", "must be positive, was -5"),
                Arguments.of(with("consensus.election.timeout.ms", "soon"), "consensus.election.timeout.ms", "'soon' is not a whole number"),
                Arguments.of(with("consensus.election.timeout.ms", "150"), "consensus.election.timeout.ms", "at least twice consensus.heartbeat.interval.ms (200)"),
                Arguments.of(with("consensus.heartbeat.interval.ms", "0"), "consensus.heartbeat.interval.ms", "must be positive"),
                Arguments.of(with("consensus.tick.ms", "0"), "consensus.tick.ms", "must be positive"),
                Arguments.of(with("consensus.heartbeat.interval.ms", "5"), "consensus.heartbeat.interval.ms", "at least consensus.tick.ms"),
                Arguments.of(with("consensus.lease.drift.bound", "0.7"), "consensus.lease.drift.bound", "must be in [0, 0.5)"),
                Arguments.of(with("consensus.storage.sync", "sometimes"), "consensus.storage.sync", "use fsync (default) or none (unsafe)"),
                Arguments.of(with("consensus.storage", "cloud"), "consensus.storage", "use one of [file, memory (unsafe)]"),
                Arguments.of(with("consensus.bootstrap", "yes"), "consensus.bootstrap", "use true or false"),
                Arguments.of(with("consensus.data.dir", null), "consensus.data.dir", "is required with consensus.storage=file"),
                Arguments.of(with("consensus.max.command.bytes", "16777216"), "consensus.max.command.bytes", "must be at most consensus.transport.max.frame.bytes - 4096"),
                Arguments.of(with("consensus.max.pending.proposals", "0"), "consensus.max.pending.proposals", "must be positive"),
                Arguments.of(with("consensus.storage.segment.bytes", "100"), "consensus.storage.segment.bytes", "at least 65536"),
                Arguments.of(with("consensus.snapshot.retain.entries", "-1"), "consensus.snapshot.retain.entries", "must be 0 or more"),
                Arguments.of(with("consensus.slow.fsync.ms", "-1"), "consensus.slow.fsync.ms", "must be 0 or more"),
                Arguments.of(with("consensus.slow.loop.ms", "-1"), "consensus.slow.loop.ms", "must be 0 or more"),
                Arguments.of(with("consensus.lagging.follower.ms", "-1"), "consensus.lagging.follower.ms", "must be 0 or more"),
                Arguments.of(with("consensus.lagging.follower.entries", "-1"), "consensus.lagging.follower.entries", "must be 0 or more"),
                Arguments.of(with("consensus.request.timeout.ms", "700000"), "consensus.request.timeout.ms", "below consensus.dedup.ttl.ms"),
                Arguments.of(with("consensus.electoin.timeout.ms", "100"), "consensus.electoin.timeout.ms", "unknown key"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("rejected")
    void invalidValuesFailNamingTheKey(Properties properties, String key, String message) {
        assertThatThrownBy(() -> ConsensusConfig.fromProperties(properties))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessageContaining(message);
    }

    @Test
    void slowPathThresholdsAreReadAndZeroDisablesThem() {
        Properties p = with("consensus.slow.fsync.ms", "250");
        p.setProperty("consensus.slow.loop.ms", "0");
        p.setProperty("consensus.lagging.follower.ms", "1500");
        p.setProperty("consensus.lagging.follower.entries", "0");

        ConsensusConfig config = ConsensusConfig.fromProperties(p);

        assertThat(config.slowFsync()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.slowLoop()).isZero();
        assertThat(config.laggingFollower()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.laggingFollowerEntries()).isZero();
        assertThat(config.toBuilder().build().slowFsync()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void unwritableDataDirectoryIsRejected() {
        Path file = dataDir.resolve("a-file");
        try {
            java.nio.file.Files.writeString(file, "x");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        assertThatThrownBy(() -> ConsensusConfig.fromProperties(with("consensus.data.dir", file.resolve("sub").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("consensus.data.dir")
                .hasMessageContaining("is not a directory");
    }

    @Test
    void builderRoundTripsThroughToBuilder() {
        ConsensusConfig config = ConsensusConfig.fromProperties(valid());

        ConsensusConfig copy = config.toBuilder().requestTimeout(Duration.ofSeconds(3)).build();

        assertThat(copy.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(copy.members()).isEqualTo(config.members());
        assertThat(copy.dataDir()).isEqualTo(config.dataDir());
    }
}
