/**
 * The default network of a node: {@link io.consensus.transport.netty.NettyTransport}, length-prefixed
 * protobuf frames over TCP with Netty, optionally with mutual TLS, configured by
 * {@link io.consensus.transport.netty.NettyTransportConfig}. Everything else in the package is the
 * pipeline behind it (one small handler per job) and is not API; the wire format is
 * {@code src/main/proto/transport.proto}.
 */
package io.consensus.transport.netty;
