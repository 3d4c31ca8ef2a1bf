package io.consensus.storage;

import io.consensus.api.spi.GroupIdentity;

/**
 * One group's state inside the shared log. Mutated under the log's lock, by the group's thread at
 * run time or by recovery; read lock-free by the group's own thread.
 */
final class GroupState {

    /** The number that tags this group's records; assigned by its first IDENTITY record. */
    final int tag;
    final GroupIdentity identity;
    /** The IDENTITY record's payload, written again at the start of every new segment. */
    final byte[] identityPayload;
    final GroupIndex index;
    /** Which segments this group's live entries are in. */
    final GroupSegments segments;
    /** The latest entries, so hot reads skip the file. */
    final TailCache tail = new TailCache(TailCache.DEFAULT_BUDGET_BYTES);
    /** The latest metadata, or null; written again at the start of every new segment. */
    byte[] metadata;
    /** Every index up to here is compacted; written again at the start of every new segment. */
    long compactedTo;

    GroupState(int tag, GroupIdentity identity, GroupIndex.Refs refs) {
        this.tag = tag;
        this.identity = identity;
        this.identityPayload = Frame.identityPayload(identity);
        this.segments = new GroupSegments(refs);
        this.index = new GroupIndex(segments);
    }

    /** Applies a compaction record. */
    void compact(long upTo) {
        if (upTo > compactedTo) {
            compactedTo = upTo;
            index.removeUpTo(upTo);
            tail.removeUpTo(upTo);
        }
    }
}
