package io.consensus.api.spi;

/**
 * One message between members. The payload is opaque to the transport.
 *
 * @param groupId the group it is for; empty for the runtime's node-to-node liveness message, which a
 *                transport carries like any other
 * @param from    the sending member
 * @param to      the receiving member
 * @param payload the bytes; not modified after the envelope is handed over
 */
public record Envelope(String groupId, String from, String to, byte[] payload) {}
