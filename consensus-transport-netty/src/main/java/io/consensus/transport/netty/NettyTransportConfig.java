package io.consensus.transport.netty;

import io.consensus.api.ConfigException;
import io.consensus.api.ConsensusConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of {@link NettyTransport}, read from the {@code consensus.transport.*} keys of a
 * {@link ConsensusConfig}. Every key is optional; the defaults suit a cluster on one data centre's
 * network. The frame limit is not here: it is {@link ConsensusConfig#maxFrameBytes()}. An unknown
 * {@code consensus.transport.*} key is an error, so a misspelt key never leaves a default in force.
 *
 * <table>
 *   <caption>Keys (prefix {@code consensus.transport.})</caption>
 *   <tr><th>key</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>bind.host</td><td>this member's host</td><td>a host name or address, e.g. 0.0.0.0</td></tr>
 *   <tr><td>io.threads</td><td>2</td><td>1..64</td></tr>
 *   <tr><td>connect.timeout.ms</td><td>1000</td><td>1..600000</td></tr>
 *   <tr><td>handshake.timeout.ms</td><td>5000</td><td>1..600000</td></tr>
 *   <tr><td>reconnect.backoff.min.ms</td><td>50</td><td>1..600000</td></tr>
 *   <tr><td>reconnect.backoff.max.ms</td><td>2000</td><td>min..600000</td></tr>
 *   <tr><td>write.buffer.low.bytes</td><td>4194304</td><td>1..2^31-2</td></tr>
 *   <tr><td>write.buffer.high.bytes</td><td>8388608</td><td>above low..2^31-1</td></tr>
 *   <tr><td>tls.enabled</td><td>false</td><td>true, false</td></tr>
 *   <tr><td>tls.cert.chain</td><td>required with TLS</td><td>PEM file, leaf first</td></tr>
 *   <tr><td>tls.private.key</td><td>required with TLS</td><td>PEM PKCS#8 file</td></tr>
 *   <tr><td>tls.private.key.password</td><td>none</td><td>the key's password if encrypted</td></tr>
 *   <tr><td>tls.trusted.ca</td><td>required with TLS</td><td>PEM file of CA certificates</td></tr>
 *   <tr><td>tls.verify.hostname</td><td>true</td><td>true, false</td></tr>
 * </table>
 *
 * @param bindHost             the address the server listens on; defaults to this member's own host
 * @param ioThreads            event loop threads for all connections; a second, single thread accepts.
 *                             With one (the default) the node runs its event loop on it too, so no
 *                             message waits for another thread to wake up; more separate the
 *                             network's work from the protocols' on a node busy with many groups
 * @param connectTimeout       how long one connection attempt may take
 * @param handshakeTimeout     how long a new connection may take to complete TLS and the handshake
 * @param reconnectBackoffMin  the first delay before reconnecting to a peer
 * @param reconnectBackoffMax  the largest delay before reconnecting to a peer
 * @param writeBufferLowBytes  a peer's outbound queue is writable again once it drains below this
 * @param writeBufferHighBytes messages to a peer are dropped while its outbound queue holds this much
 * @param tls                  the mutual TLS files, or empty for plain TCP
 */
public record NettyTransportConfig(
        String bindHost,
        int ioThreads,
        Duration connectTimeout,
        Duration handshakeTimeout,
        Duration reconnectBackoffMin,
        Duration reconnectBackoffMax,
        int writeBufferLowBytes,
        int writeBufferHighBytes,
        Optional<TlsFiles> tls) {

    public static final String BIND_HOST = "consensus.transport.bind.host";
    public static final String IO_THREADS = "consensus.transport.io.threads";
    public static final String CONNECT_TIMEOUT_MS = "consensus.transport.connect.timeout.ms";
    public static final String HANDSHAKE_TIMEOUT_MS = "consensus.transport.handshake.timeout.ms";
    public static final String RECONNECT_BACKOFF_MIN_MS = "consensus.transport.reconnect.backoff.min.ms";
    public static final String RECONNECT_BACKOFF_MAX_MS = "consensus.transport.reconnect.backoff.max.ms";
    public static final String WRITE_BUFFER_LOW_BYTES = "consensus.transport.write.buffer.low.bytes";
    public static final String WRITE_BUFFER_HIGH_BYTES = "consensus.transport.write.buffer.high.bytes";
    public static final String TLS_ENABLED = "consensus.transport.tls.enabled";
    public static final String TLS_CERT_CHAIN = "consensus.transport.tls.cert.chain";
    public static final String TLS_PRIVATE_KEY = "consensus.transport.tls.private.key";
    public static final String TLS_PRIVATE_KEY_PASSWORD = "consensus.transport.tls.private.key.password";
    public static final String TLS_TRUSTED_CA = "consensus.transport.tls.trusted.ca";
    public static final String TLS_VERIFY_HOSTNAME = "consensus.transport.tls.verify.hostname";

    private static final Set<String> KEYS = Set.of(BIND_HOST, IO_THREADS, CONNECT_TIMEOUT_MS, HANDSHAKE_TIMEOUT_MS,
            RECONNECT_BACKOFF_MIN_MS, RECONNECT_BACKOFF_MAX_MS, WRITE_BUFFER_LOW_BYTES, WRITE_BUFFER_HIGH_BYTES,
            TLS_ENABLED, TLS_CERT_CHAIN, TLS_PRIVATE_KEY, TLS_PRIVATE_KEY_PASSWORD, TLS_TRUSTED_CA,
            TLS_VERIFY_HOSTNAME);
    private static final Set<String> TLS_KEYS = Set.of(TLS_CERT_CHAIN, TLS_PRIVATE_KEY, TLS_PRIVATE_KEY_PASSWORD,
            TLS_TRUSTED_CA, TLS_VERIFY_HOSTNAME);

    /**
     * The PEM files of mutual TLS. Both sides of every connection present a certificate and require
     * one signed by {@code trustedCa}.
     *
     * @param certChain          this member's certificate chain, leaf first
     * @param privateKey         this member's PKCS#8 private key
     * @param privateKeyPassword the key's password, or null if it is not encrypted
     * @param trustedCa          the CA certificates a peer's certificate must chain to
     * @param verifyHostname     whether a dialed peer's certificate must name the host dialed
     */
    public record TlsFiles(Path certChain, Path privateKey, String privateKeyPassword, Path trustedCa,
            boolean verifyHostname) {

        /** Never prints the key password. */
        @Override
        public String toString() {
            return "TlsFiles[certChain=" + certChain + ", privateKey=" + privateKey + ", privateKeyPassword="
                    + (privateKeyPassword == null ? "none" : "***") + ", trustedCa=" + trustedCa
                    + ", verifyHostname=" + verifyHostname + "]";
        }
    }

    /**
     * Reads the {@code consensus.transport.*} keys of {@code config}.
     *
     * @throws ConfigException naming the first unknown or invalid key and what it allows
     */
    public static NettyTransportConfig from(ConsensusConfig config) {
        Map<String, String> keys = config.transportProperties();
        for (String key : keys.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ConfigException(key, "unknown key; the Netty transport knows " + new TreeSet<>(KEYS)
                        + " and " + ConsensusConfig.MAX_FRAME_BYTES);
            }
        }
        Reader r = new Reader(keys);
        String bindHost = r.text(BIND_HOST, config.self().host());
        int ioThreads = (int) r.number(IO_THREADS, 1, 1, 64);
        Duration connectTimeout = Duration.ofMillis(r.number(CONNECT_TIMEOUT_MS, 1_000, 1, 600_000));
        Duration handshakeTimeout = Duration.ofMillis(r.number(HANDSHAKE_TIMEOUT_MS, 5_000, 1, 600_000));
        long backoffMin = r.number(RECONNECT_BACKOFF_MIN_MS, 50, 1, 600_000);
        long backoffMax = r.number(RECONNECT_BACKOFF_MAX_MS, 2_000, backoffMin, 600_000);
        long low = r.number(WRITE_BUFFER_LOW_BYTES, 4L << 20, 1, Integer.MAX_VALUE - 1);
        long high = r.number(WRITE_BUFFER_HIGH_BYTES, 8L << 20, low + 1, Integer.MAX_VALUE);
        return new NettyTransportConfig(bindHost, ioThreads, connectTimeout, handshakeTimeout,
                Duration.ofMillis(backoffMin), Duration.ofMillis(backoffMax), (int) low, (int) high, tls(r, keys));
    }

    private static Optional<TlsFiles> tls(Reader r, Map<String, String> keys) {
        if (!r.bool(TLS_ENABLED, false)) {
            // A TLS file named while TLS is off is a mistake that would silently leave the network in clear text.
            for (String key : TLS_KEYS) {
                if (keys.containsKey(key)) {
                    throw new ConfigException(key, "is set but " + TLS_ENABLED + " is not true; set it or remove " + key);
                }
            }
            return Optional.empty();
        }
        return Optional.of(new TlsFiles(r.file(TLS_CERT_CHAIN), r.file(TLS_PRIVATE_KEY),
                keys.get(TLS_PRIVATE_KEY_PASSWORD), r.file(TLS_TRUSTED_CA), r.bool(TLS_VERIFY_HOSTNAME, true)));
    }

    /** Typed reads of string keys, each failing with a {@link ConfigException} naming its key. */
    private record Reader(Map<String, String> keys) {

        String text(String key, String fallback) {
            String value = keys.get(key);
            if (value == null) {
                return fallback;
            }
            if (value.isBlank()) {
                throw new ConfigException(key, "is blank; remove it for the default");
            }
            return value.trim();
        }

        long number(String key, long fallback, long min, long max) {
            String value = keys.get(key);
            if (value == null) {
                return fallback;
            }
            long parsed;
            try {
                parsed = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "'" + value + "' is not a whole number");
            }
            if (parsed < min || parsed > max) {
                throw new ConfigException(key, "must be in [" + min + ", " + max + "], was " + parsed);
            }
            return parsed;
        }

        boolean bool(String key, boolean fallback) {
            String value = keys.get(key);
            if (value == null) {
                return fallback;
            }
            return switch (value.trim()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(key, "'" + value + "' is not allowed; use true or false");
            };
        }

        Path file(String key) {
            String value = keys.get(key);
            if (value == null || value.isBlank()) {
                throw new ConfigException(key, "is required when " + TLS_ENABLED + "=true (a PEM file)");
            }
            Path path = Path.of(value.trim());
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new ConfigException(key, "'" + path + "' is not a readable file");
            }
            return path;
        }
    }
}
