/**
 * {@link io.consensus.metrics.micrometer.MicrometerMetrics}: the library's
 * {@link io.consensus.api.metrics.MetricsRegistry} on a Micrometer {@code MeterRegistry}, so its
 * meters reach Prometheus, JMX, OTLP or any other Micrometer backend.
 */
package io.consensus.metrics.micrometer;
