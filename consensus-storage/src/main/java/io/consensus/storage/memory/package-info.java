/**
 * {@link io.consensus.storage.memory.MemoryNodeStorage}: storage in memory that models durability, so
 * the simulator can crash a member and restart it with only what was synced.
 */
package io.consensus.storage.memory;
