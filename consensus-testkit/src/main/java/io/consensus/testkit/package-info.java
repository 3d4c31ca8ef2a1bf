/**
 * Test support for the library and its users: {@link io.consensus.testkit.KvStateMachine}, the
 * key-value state machine the simulation drives; the simulator in {@code io.consensus.testkit.sim};
 * and the linearizability checker in {@code io.consensus.testkit.linearizability}.
 */
package io.consensus.testkit;
