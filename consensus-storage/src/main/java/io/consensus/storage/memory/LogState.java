package io.consensus.storage.memory;

import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.SnapshotMeta;
import java.util.TreeMap;

/**
 * One group's log, metadata and snapshot as plain values. A storage keeps two per group: what reads
 * see, and what survives a crash. Entries and byte arrays are never modified once stored, so copies
 * share them.
 */
final class LogState {

    /** An installed snapshot. */
    record Snapshot(SnapshotMeta meta, byte[] data) {}

    final GroupIdentity identity;
    final TreeMap<Long, LogEntry> entries = new TreeMap<>();
    long compactedTo;
    byte[] metadata;
    Snapshot snapshot;

    LogState(GroupIdentity identity) {
        this.identity = identity;
    }

    LogState copy() {
        LogState copy = new LogState(identity);
        copy.entries.putAll(entries);
        copy.compactedTo = compactedTo;
        copy.metadata = metadata;
        copy.snapshot = snapshot;
        return copy;
    }

    /** One mutation, recorded so that it can be replayed onto the durable state at a sync. */
    sealed interface Op {
        void applyTo(LogState state);
    }

    record Put(LogEntry entry) implements Op {
        @Override
        public void applyTo(LogState state) {
            state.entries.put(entry.index(), entry);
        }
    }

    record TruncateFrom(long index) implements Op {
        @Override
        public void applyTo(LogState state) {
            state.entries.tailMap(index, true).clear();
        }
    }

    record CompactUpTo(long index) implements Op {
        @Override
        public void applyTo(LogState state) {
            if (index > state.compactedTo) {
                state.compactedTo = index;
                state.entries.headMap(index, true).clear();
            }
        }
    }

    record Metadata(byte[] bytes) implements Op {
        @Override
        public void applyTo(LogState state) {
            state.metadata = bytes;
        }
    }
}
