/**
 * Pure building blocks shared by every protocol core: quorum maths, per-follower progress, tick
 * timers, the pending-write overlay of a log, and the accumulator of a {@link io.consensus.api.spi.Ready}.
 * Nothing here uses threads, clocks or I/O, so protocol modules may depend on it.
 */
package io.consensus.core.protocol;
