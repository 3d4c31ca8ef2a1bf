/**
 * The runtime that drives any protocol core: one event loop per node shared by its groups, group
 * commit to storage, sending, a separate apply path, futures, forwarding and exactly-once submits.
 * Its clock, scheduler, storage and transport are injected ({@link io.consensus.core.runtime.NodeEnvironment}),
 * so the testkit runs this very code on virtual time.
 */
package io.consensus.core.runtime;
