package io.consensus.core.runtime;

import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Everything a node's runtime takes from the outside world besides storage and transport: where
 * its code runs and its randomness. The simulator injects a virtual one.
 *
 * @param loop          the node's event loop, shared by its groups; protocol cores run only here
 * @param syncExecutor  runs blocking {@code fsync}s one at a time, off the event loop
 * @param applyExecutor makes a serial executor for one group's state machine
 * @param random        the node's random source (timeouts are drawn from seeds taken from it)
 * @param shutdown      releases threads when the node closes
 */
public record NodeEnvironment(EventLoop loop, Executor syncExecutor, Supplier<Executor> applyExecutor,
                              RandomGenerator random, Runnable shutdown) {}
