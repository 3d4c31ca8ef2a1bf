package io.consensus.transport.netty;

import static io.consensus.transport.netty.NettyTransportConfig.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consensus.api.ConfigException;
import io.consensus.api.ConsensusConfig;
import io.consensus.api.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NettyTransportConfigTest {

    private static final List<Member> MEMBERS = List.of(new Member("a", "10.0.0.1", 7000), new Member("b", "10.0.0.2", 7000));

    private static NettyTransportConfig parse(Map<String, String> keys) {
        ConsensusConfig.Builder builder = ConsensusConfig.builder().memberId("a").members(MEMBERS)
                .storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE);
        keys.forEach(builder::transportProperty);
        return NettyTransportConfig.from(builder.build());
    }

    private static void assertRejected(Map<String, String> keys, String key, String message) {
        assertThatThrownBy(() -> parse(keys)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.key()).isEqualTo(key);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void defaults() {
        NettyTransportConfig config = parse(Map.of());
        assertThat(config.bindHost()).isEqualTo("10.0.0.1");
        assertThat(config.ioThreads()).isEqualTo(1);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.handshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.reconnectBackoffMin()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.reconnectBackoffMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.writeBufferLowBytes()).isEqualTo(4 << 20);
        assertThat(config.writeBufferHighBytes()).isEqualTo(8 << 20);
        assertThat(config.tls()).isEmpty();
    }

    @Test
    void everyKeyIsRead() {
        NettyTransportConfig config = parse(Map.of(BIND_HOST, "0.0.0.0", IO_THREADS, "1", CONNECT_TIMEOUT_MS, "300",
                HANDSHAKE_TIMEOUT_MS, "400", RECONNECT_BACKOFF_MIN_MS, "10", RECONNECT_BACKOFF_MAX_MS, "20",
                WRITE_BUFFER_LOW_BYTES, "1000", WRITE_BUFFER_HIGH_BYTES, "2000"));
        assertThat(config).isEqualTo(new NettyTransportConfig("0.0.0.0", 1, Duration.ofMillis(300),
                Duration.ofMillis(400), Duration.ofMillis(10), Duration.ofMillis(20), 1000, 2000,
                java.util.Optional.empty()));
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertRejected(Map.of(IO_THREADS, "two"), IO_THREADS, "'two' is not a whole number");
        assertRejected(Map.of(IO_THREADS, "0"), IO_THREADS, "must be in [1, 64], was 0");
        assertRejected(Map.of(RECONNECT_BACKOFF_MIN_MS, "500", RECONNECT_BACKOFF_MAX_MS, "100"),
                RECONNECT_BACKOFF_MAX_MS, "must be in [500, 600000], was 100");
        assertRejected(Map.of(WRITE_BUFFER_LOW_BYTES, "2000", WRITE_BUFFER_HIGH_BYTES, "2000"),
                WRITE_BUFFER_HIGH_BYTES, "must be in [2001");
        assertRejected(Map.of(BIND_HOST, " "), BIND_HOST, "is blank");
        assertRejected(Map.of(TLS_ENABLED, "yes"), TLS_ENABLED, "use true or false");
    }

    @Test
    void unknownKeysAreRejected() {
        assertRejected(Map.of("consensus.transport.tls.enable", "true"), "consensus.transport.tls.enable", "unknown key");
    }

    @Test
    void tlsNeedsItsFiles(@TempDir Path dir) throws Exception {
        assertRejected(Map.of(TLS_ENABLED, "true"), TLS_CERT_CHAIN, "is required");
        Path file = Files.writeString(dir.resolve("x.pem"), "x");
        assertRejected(Map.of(TLS_ENABLED, "true", TLS_CERT_CHAIN, file.toString(), TLS_PRIVATE_KEY,
                dir.resolve("missing.pem").toString()), TLS_PRIVATE_KEY, "is not a readable file");
    }

    @Test
    void aTlsFileWithoutTlsEnabledIsAMistake() {
        assertRejected(Map.of(TLS_TRUSTED_CA, "/ca.pem"), TLS_TRUSTED_CA, "is set but " + TLS_ENABLED + " is not true");
    }

    @Test
    void filesThatAreNotPemFailWhenTheTransportIsCreated(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("x.pem"), "not a certificate");
        ConsensusConfig config = ConsensusConfig.builder().memberId("a").members(MEMBERS)
                .storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE)
                .transportProperty(TLS_ENABLED, "true").transportProperty(TLS_CERT_CHAIN, file.toString())
                .transportProperty(TLS_PRIVATE_KEY, file.toString()).transportProperty(TLS_TRUSTED_CA, file.toString())
                .build();
        assertThatThrownBy(() -> NettyTransport.create(config)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.key()).isEqualTo(TLS_CERT_CHAIN));
    }

    @Test
    void theKeyPasswordIsNeverPrinted() {
        TlsFiles files = new TlsFiles(Path.of("c"), Path.of("k"), "secret", Path.of("ca"), true);
        assertThat(files.toString()).doesNotContain("secret").contains("***");
    }
}
