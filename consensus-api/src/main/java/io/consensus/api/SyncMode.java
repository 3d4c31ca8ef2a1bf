package io.consensus.api;

/** Whether the log is forced to stable storage before a write is acknowledged. */
public enum SyncMode {
    /** {@code FileChannel.force} before anything that depends on a write is acknowledged. The default. */
    FSYNC,
    /**
     * Never forces. A power loss can lose acknowledged writes and break protocol promises. UNSAFE:
     * for tests and benchmarks only.
     */
    NONE_UNSAFE
}
