package io.consensus.api.spi;

/** Turns a protocol's messages into bytes and back. Stateless and thread-safe. */
public interface MessageCodec {

    /** Encodes a message of this protocol. */
    byte[] encode(ProtocolMessage message);

    /**
     * Decodes bytes from the network.
     *
     * @throws IllegalArgumentException naming what is malformed; the runtime drops the message
     */
    ProtocolMessage decode(byte[] bytes);
}
