/**
 * Metrics without a dependency: the runtime registers its meters with a {@link
 * io.consensus.api.metrics.MetricsRegistry} once per group, member and peer, and records on them
 * from its hot paths. {@link io.consensus.api.metrics.MetricsRegistry#NOOP} is the default; the
 * {@code consensus-metrics-micrometer} module binds the registry to Micrometer. Every meter's name
 * and meaning is listed in {@link io.consensus.api.metrics.ConsensusMetric} and in
 * {@code docs/operations.md}.
 */
package io.consensus.api.metrics;
