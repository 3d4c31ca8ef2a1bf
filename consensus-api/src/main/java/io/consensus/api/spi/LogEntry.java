package io.consensus.api.spi;

import java.util.Objects;

/**
 * One record of a group's log.
 *
 * @param index   the protocol's native position: Raft index, Paxos slot, Zab transaction number;
 *                1 is the first
 * @param era     the leadership it belongs to: Raft term, Paxos ballot (as encoded by the core), Zab
 *                epoch
 * @param kind    how to read {@code payload}
 * @param payload the bytes; owned by the entry, never modified after construction
 */
public record LogEntry(long index, long era, EntryKind kind, byte[] payload) {

    private static final byte[] EMPTY = new byte[0];

    public LogEntry {
        if (index < 1) {
            throw new IllegalArgumentException("log index must be >= 1, was " + index);
        }
        Objects.requireNonNull(kind, "kind");
        payload = payload == null ? EMPTY : payload;
    }

    /** A no-op entry. */
    public static LogEntry noop(long index, long era) {
        return new LogEntry(index, era, EntryKind.NOOP, EMPTY);
    }

    /** The bytes this entry occupies in memory and on the wire, roughly. */
    public int sizeBytes() {
        return payload.length + 24;
    }

    @Override
    public String toString() {
        return "LogEntry{" + index + "@" + era + " " + kind + " " + payload.length + "B}";
    }
}
