/**
 * Service-provider interfaces: {@link io.consensus.api.spi.ConsensusProtocol} (a protocol core, found
 * with {@link java.util.ServiceLoader}), {@link io.consensus.api.spi.LogStorage} and
 * {@link io.consensus.api.spi.NodeStorage} (durable log, metadata and snapshots), and
 * {@link io.consensus.api.spi.Transport} (the network).
 *
 * <p>A protocol core is a pure, deterministic object: no threads, clocks, I/O or unseeded
 * randomness. The runtime in {@code consensus-core} steps it (tick, receive, propose, read,
 * persisted) and carries out the {@link io.consensus.api.spi.Ready} it returns, in the order written
 * on each of its fields. {@code docs/architecture.md} shows how Raft, Multi-Paxos and Zab map onto
 * this contract.
 */
package io.consensus.api.spi;
