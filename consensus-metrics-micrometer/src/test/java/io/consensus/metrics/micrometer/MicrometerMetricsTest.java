package io.consensus.metrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.metrics.ConsensusMetric;
import io.consensus.api.metrics.Counter;
import io.consensus.api.metrics.Meter;
import io.consensus.api.metrics.MeterId;
import io.consensus.api.metrics.Summary;
import io.consensus.api.metrics.Timer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MicrometerMetricsTest {

    private static final Map<String, String> GROUP_TAGS = Map.of(MeterId.GROUP, "g1", MeterId.MEMBER, "n1");

    private final MeterRegistry micrometer = new SimpleMeterRegistry();
    private final MicrometerMetrics metrics = new MicrometerMetrics(micrometer);

    @Test
    void aCounterKeepsItsNameTagsDescriptionAndUnit() {
        Counter counter = metrics.counter(ConsensusMetric.SENT_BYTES.id(Map.of(MeterId.MEMBER, "n1", MeterId.PEER, "n2")));

        counter.increment();
        counter.increment(41);

        io.micrometer.core.instrument.Counter registered = micrometer.get("consensus.transport.sent.bytes")
                .tags("member", "n1", "peer", "n2").counter();
        assertThat(registered.count()).isEqualTo(42);
        assertThat(registered.getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(registered.getId().getDescription()).isEqualTo(ConsensusMetric.SENT_BYTES.description());
    }

    @Test
    void aTimerRecordsNanoseconds() {
        Timer timer = metrics.timer(ConsensusMetric.COMMIT_LATENCY.id(GROUP_TAGS));

        timer.recordNanos(TimeUnit.MILLISECONDS.toNanos(3));
        timer.recordNanos(TimeUnit.MILLISECONDS.toNanos(5));

        io.micrometer.core.instrument.Timer registered = micrometer.get("consensus.commit.latency").tags("group", "g1").timer();
        assertThat(registered.count()).isEqualTo(2);
        assertThat(registered.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8);
        assertThat(registered.max(TimeUnit.MILLISECONDS)).isEqualTo(5);
    }

    @Test
    void aSummaryRecordsAmounts() {
        Summary summary = metrics.summary(ConsensusMetric.SNAPSHOT_SIZE.id(GROUP_TAGS).withTag("kind", "taken"));

        summary.record(1000);
        summary.record(3000);

        var registered = micrometer.get("consensus.snapshot.size").tags("kind", "taken").summary();
        assertThat(registered.count()).isEqualTo(2);
        assertThat(registered.totalAmount()).isEqualTo(4000);
        assertThat(registered.getId().getBaseUnit()).isEqualTo("bytes");
    }

    @Test
    void aGaugeReadsItsSupplierOnEveryReadAndSurvivesGarbageCollection() {
        AtomicLong commitIndex = new AtomicLong(7);
        metrics.gauge(ConsensusMetric.COMMIT_INDEX.id(GROUP_TAGS), commitIndex::get);
        System.gc(); // a weakly held supplier would be gone now, and the gauge NaN

        Gauge gauge = micrometer.get("consensus.commit.index").tags("group", "g1", "member", "n1").gauge();
        assertThat(gauge.value()).isEqualTo(7);
        commitIndex.set(12);
        assertThat(gauge.value()).isEqualTo(12);
    }

    @Test
    void aGaugeRegisteredAgainReplacesTheEarlierAndTheEarliersRemovalLeavesIt() {
        Meter first = metrics.gauge(ConsensusMetric.ERA.id(GROUP_TAGS), () -> 1);
        metrics.gauge(ConsensusMetric.ERA.id(GROUP_TAGS), () -> 2);

        first.remove();

        assertThat(micrometer.get("consensus.era").tags("group", "g1").gauge().value()).isEqualTo(2);
    }

    @Test
    void removedMetersLeaveTheRegistry() {
        Meter gauge = metrics.gauge(ConsensusMetric.ERA.id(GROUP_TAGS), () -> 3);
        Counter counter = metrics.counter(ConsensusMetric.PROPOSALS.id(GROUP_TAGS));
        Timer timer = metrics.timer(ConsensusMetric.FSYNC_LATENCY.id(Map.of(MeterId.MEMBER, "n1")));
        Summary summary = metrics.summary(ConsensusMetric.FSYNC_BATCH_GROUPS.id(Map.of(MeterId.MEMBER, "n1")));

        gauge.remove();
        counter.remove();
        timer.remove();
        summary.remove();
        counter.increment(); // recording on a removed meter is harmless

        assertThat(micrometer.getMeters()).isEmpty();
    }

    @Test
    void prometheusNamesCarryUnitsAndTotalsAndTimersHaveBuckets() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerMetrics onPrometheus = new MicrometerMetrics(prometheus);
        onPrometheus.counter(ConsensusMetric.PROPOSALS.id(GROUP_TAGS)).increment(3);
        onPrometheus.counter(ConsensusMetric.DROPPED_MESSAGES.id(Map.of(MeterId.MEMBER, "n1", MeterId.PEER, "n2"))).increment();
        onPrometheus.timer(ConsensusMetric.COMMIT_LATENCY.id(GROUP_TAGS)).recordNanos(2_000_000);
        onPrometheus.gauge(ConsensusMetric.FOLLOWER_LAG_SECONDS.id(GROUP_TAGS).withTag(MeterId.PEER, "n2"), () -> 1.5);
        onPrometheus.summary(ConsensusMetric.SNAPSHOT_SIZE.id(GROUP_TAGS).withTag("kind", "taken")).record(100);

        String scrape = prometheus.scrape();

        assertThat(scrape)
                .contains("consensus_proposals_total{group=\"g1\",member=\"n1\"} 3")
                .contains("consensus_transport_dropped_messages_total{member=\"n1\",peer=\"n2\"} 1")
                .contains("consensus_commit_latency_seconds_bucket{")
                .contains("consensus_commit_latency_seconds_count{group=\"g1\",member=\"n1\"} 1")
                .contains("consensus_follower_lag_seconds{group=\"g1\",member=\"n1\",peer=\"n2\"} 1.5")
                .contains("consensus_snapshot_size_bytes_sum{group=\"g1\",kind=\"taken\",member=\"n1\"} 100");
    }
}
