package io.consensus.api.spi;

/**
 * A message of a protocol core. Each protocol declares a sealed family of records implementing this
 * and a {@link MessageCodec} for the wire. Messages are immutable once emitted.
 */
public interface ProtocolMessage {}
