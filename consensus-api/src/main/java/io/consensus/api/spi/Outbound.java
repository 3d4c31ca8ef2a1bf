package io.consensus.api.spi;

/**
 * A message a core wants sent.
 *
 * @param to      the member id
 * @param message the message
 */
public record Outbound(String to, ProtocolMessage message) {}
