/**
 * The default storage: {@link io.consensus.storage.FileNodeStorage}, a segmented, checksummed
 * write-ahead log shared by every group on a node (provider {@code file}), the offline
 * {@link io.consensus.storage.Verify} tool, and in {@code memory} an in-memory storage that models
 * durability for tests and the simulator (provider {@code memory}).
 */
package io.consensus.storage;
