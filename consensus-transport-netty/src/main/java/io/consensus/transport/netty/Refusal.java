package io.consensus.transport.netty;

/** The accepting side's answer to a {@link Hello} it will not accept; the connection closes after it. */
record Refusal(String reason) {}
