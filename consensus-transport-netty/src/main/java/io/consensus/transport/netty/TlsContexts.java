package io.consensus.transport.netty;

import io.consensus.api.ConfigException;
import io.consensus.transport.netty.NettyTransportConfig.TlsFiles;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * The two TLS contexts of a node: one for connections it accepts, one for connections it dials. Both
 * present this member's certificate and require the peer's, signed by the configured CA (mutual TLS).
 *
 * @param server for accepted connections; requires a client certificate
 * @param client for dialed connections
 */
record TlsContexts(SslContext server, SslContext client) {

    /**
     * Loads the PEM files.
     *
     * @throws ConfigException if they cannot be read as a certificate chain, key and CA
     */
    static TlsContexts load(TlsFiles files) {
        try {
            SslContext server = SslContextBuilder
                    .forServer(files.certChain().toFile(), files.privateKey().toFile(), files.privateKeyPassword())
                    .trustManager(files.trustedCa().toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .sslProvider(SslProvider.JDK)
                    .build();
            SslContext client = SslContextBuilder.forClient()
                    .keyManager(files.certChain().toFile(), files.privateKey().toFile(), files.privateKeyPassword())
                    .trustManager(files.trustedCa().toFile())
                    .endpointIdentificationAlgorithm(files.verifyHostname() ? "HTTPS" : null)
                    .sslProvider(SslProvider.JDK)
                    .build();
            return new TlsContexts(server, client);
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException(NettyTransportConfig.TLS_CERT_CHAIN, "cannot build TLS from " + files + ": "
                    + e.getMessage());
        }
    }
}
