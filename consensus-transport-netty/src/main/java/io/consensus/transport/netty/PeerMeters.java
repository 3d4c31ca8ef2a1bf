package io.consensus.transport.netty;

import io.consensus.api.metrics.ConsensusMetric;
import io.consensus.api.metrics.Counter;
import io.consensus.api.metrics.MeterId;
import io.consensus.api.metrics.MetricsRegistry;
import java.util.List;
import java.util.Map;

/**
 * The metrics of one peer ({@code consensus.transport.*}, tags {@code member} and {@code peer}),
 * registered once when the peer appears and removed when it leaves, so sends and receives only
 * increment fields.
 */
final class PeerMeters {

    static final PeerMeters NOOP = new PeerMeters(MetricsRegistry.NOOP, "", "");

    final Counter sentMessages;
    final Counter sentBytes;
    final Counter receivedMessages;
    final Counter receivedBytes;
    final Counter droppedMessages;

    PeerMeters(MetricsRegistry registry, String selfId, String peerId) {
        Map<String, String> tags = Map.of(MeterId.MEMBER, selfId, MeterId.PEER, peerId);
        sentMessages = registry.counter(ConsensusMetric.SENT_MESSAGES.id(tags));
        sentBytes = registry.counter(ConsensusMetric.SENT_BYTES.id(tags));
        receivedMessages = registry.counter(ConsensusMetric.RECEIVED_MESSAGES.id(tags));
        receivedBytes = registry.counter(ConsensusMetric.RECEIVED_BYTES.id(tags));
        droppedMessages = registry.counter(ConsensusMetric.DROPPED_MESSAGES.id(tags));
    }

    void remove() {
        List.of(sentMessages, sentBytes, receivedMessages, receivedBytes, droppedMessages).forEach(Counter::remove);
    }
}
