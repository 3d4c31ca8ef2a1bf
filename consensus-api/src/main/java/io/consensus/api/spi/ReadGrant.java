package io.consensus.api.spi;

/**
 * A read the core has made safe: serve it once the member has applied up to {@code index}.
 *
 * @param readId the id the runtime passed to {@link ProtocolCore#read}
 * @param index  the native log position the read must observe
 */
public record ReadGrant(long readId, long index) {}
