package io.consensus.transport.netty;

import java.util.concurrent.atomic.LongAdder;

/** Node-wide counters, written by handlers on any event loop; {@link TransportStats} is their snapshot. */
final class Counters {
    final LongAdder envelopesReceived = new LongAdder();
    final LongAdder envelopesRejected = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder unroutableMessages = new LongAdder();
}
