/**
 * Deterministic whole-cluster simulation: {@link io.consensus.testkit.sim.Simulation} runs N members
 * of a protocol on the real runtime, on virtual time with one seeded random source, under network,
 * disk, pause and clock faults, drives clients through the public API, and checks liveness, replica
 * agreement and linearizability. A failure is a {@link io.consensus.testkit.sim.SimulationFailure}
 * naming the seed that replays it. See {@code docs/testing.md}.
 */
package io.consensus.testkit.sim;
