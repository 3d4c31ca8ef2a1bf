package io.consensus.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeterIdTest {

    @Test
    void withTagAddsOrReplacesATagAndLeavesTheOriginalAlone() {
        MeterId id = ConsensusMetric.FOLLOWER_LAG_ENTRIES.id(Map.of(MeterId.MEMBER, "n1", MeterId.GROUP, "g"));

        MeterId perPeer = id.withTag(MeterId.PEER, "n2");
        MeterId renamed = perPeer.withTag(MeterId.PEER, "n3");

        assertThat(id.tags()).containsOnlyKeys("group", "member");
        assertThat(perPeer.tags()).containsExactly(Map.entry("group", "g"), Map.entry("member", "n1"), Map.entry("peer", "n2"));
        assertThat(renamed.tags()).containsEntry("peer", "n3");
        assertThat(renamed.name()).isEqualTo("consensus.follower.lag.entries");
        assertThat(renamed.baseUnit()).isEqualTo("entries");
    }

    @Test
    void everyLibraryMeterHasAUniqueDottedNameAndADescription() {
        assertThat(Arrays.stream(ConsensusMetric.values()).map(ConsensusMetric::meterName).distinct())
                .hasSize(ConsensusMetric.values().length)
                .allMatch(name -> name.matches("consensus(\\.[a-z]+)+"));
        assertThat(new HashSet<>(Arrays.stream(ConsensusMetric.values()).map(ConsensusMetric::description).toList()))
                .doesNotContain("");
    }

    @Test
    void theNoopRegistryAcceptsEverythingAndRecordsNothing() {
        MetricsRegistry noop = MetricsRegistry.NOOP;
        MeterId id = ConsensusMetric.PROPOSALS.id(Map.of());

        noop.counter(id).increment(5);
        noop.timer(id).recordNanos(1);
        noop.summary(id).record(1);
        noop.gauge(id, () -> 1).remove();

        assertThat(noop.counter(id)).isSameAs(noop.timer(id));
    }
}
