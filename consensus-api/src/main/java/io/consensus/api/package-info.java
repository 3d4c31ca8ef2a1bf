/**
 * What an application touches: {@link io.consensus.api.ConsensusGroup}, {@link io.consensus.api.StateMachine},
 * {@link io.consensus.api.ConsensusConfig}, status values and exceptions.
 *
 * <p>The same application code runs on Raft, Multi-Paxos or Zab; the protocol is chosen by
 * {@code consensus.protocol} in configuration. Service-provider interfaces for storage, transport
 * and protocols live in {@link io.consensus.api.spi}.
 */
package io.consensus.api;
