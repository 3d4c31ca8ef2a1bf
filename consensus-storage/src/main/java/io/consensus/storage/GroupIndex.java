package io.consensus.storage;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where each of one group's entries lives: index to (segment, offset, frame length). Holds offsets,
 * never payloads, so its size depends on the number of entries only (12 bytes each).
 *
 * <p>Slots are kept in chunks of 1024 consecutive indexes, so dense Raft logs, Paxos logs with holes
 * and Zab's zxids (which jump by 2^32 at every epoch) are all compact. Every slot that starts or stops
 * pointing into a segment is reported to {@link Refs}, which is how the log knows when a segment holds
 * nothing live.
 *
 * <p>Not thread-safe: mutated under the log's lock by the group's thread, read by the same thread.
 */
final class GroupIndex {

    /** Counts live references per segment. */
    interface Refs {
        void retain(int segment);

        void release(int segment);
    }

    /** Where an entry's frame is. */
    record Location(int segment, int offset, int length) {}

    private static final int SHIFT = 10;
    private static final int SLOTS = 1 << SHIFT;
    private static final int MASK = SLOTS - 1;

    private final TreeMap<Long, Chunk> chunks = new TreeMap<>();
    private final Refs refs;
    /** The chunk touched last, and its key: appends and replays hit the same chunk 1023 times in 1024. */
    private Chunk recent;
    private long recentKey = -1;
    /** The lowest and highest present index; 0 when empty (indexes start at 1). */
    private long first;
    private long last;

    GroupIndex(Refs refs) {
        this.refs = refs;
    }

    boolean isEmpty() {
        return first == 0;
    }

    long first() {
        return first;
    }

    long last() {
        return last;
    }

    /** The location of {@code index}, or null if absent. */
    Location get(long index) {
        Chunk chunk = chunk(index >>> SHIFT);
        int slot = (int) (index & MASK);
        return chunk == null || chunk.length[slot] == 0 ? null
                : new Location(chunk.segment[slot], chunk.offset[slot], chunk.length[slot]);
    }

    /** The smallest present index {@code >= index}, or 0 if there is none. */
    long ceiling(long index) {
        if (isEmpty() || index > last) {
            return 0;
        }
        long from = Math.max(index, first);
        for (Map.Entry<Long, Chunk> e : chunks.tailMap(from >>> SHIFT, true).entrySet()) {
            long base = e.getKey() << SHIFT;
            int[] length = e.getValue().length;
            for (int slot = (int) Math.max(0, from - base); slot < SLOTS; slot++) {
                if (length[slot] != 0) {
                    return base + slot;
                }
            }
        }
        return 0;
    }

    /** Points {@code index} at a new frame, replacing whatever it pointed at. */
    void put(long index, int segment, int offset, int length) {
        Chunk chunk = chunk(index >>> SHIFT);
        if (chunk == null) {
            chunk = new Chunk();
            chunks.put(index >>> SHIFT, chunk);
            recent = chunk;
            recentKey = index >>> SHIFT;
        }
        int slot = (int) (index & MASK);
        if (chunk.length[slot] != 0) {
            refs.release(chunk.segment[slot]);
        } else {
            chunk.count++;
        }
        chunk.segment[slot] = segment;
        chunk.offset[slot] = offset;
        chunk.length[slot] = length;
        refs.retain(segment);
        first = first == 0 ? index : Math.min(first, index);
        last = Math.max(last, index);
    }

    /** Removes every index {@code >= index}. */
    void removeFrom(long index) {
        if (isEmpty() || index > last) {
            return;
        }
        recentKey = -1;
        Iterator<Map.Entry<Long, Chunk>> it = chunks.tailMap(index >>> SHIFT, true).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Chunk> e = it.next();
            long base = e.getKey() << SHIFT;
            if (clear(e.getValue(), (int) Math.max(0, index - base), SLOTS)) {
                it.remove();
            }
        }
        if (chunks.isEmpty()) {
            first = last = 0;
        } else {
            Map.Entry<Long, Chunk> e = chunks.lastEntry();
            int slot = SLOTS - 1;
            while (e.getValue().length[slot] == 0) {
                slot--;
            }
            last = (e.getKey() << SHIFT) + slot;
        }
    }

    /** Removes every index {@code <= index}. */
    void removeUpTo(long index) {
        if (isEmpty() || index < first) {
            return;
        }
        recentKey = -1;
        Iterator<Map.Entry<Long, Chunk>> it = chunks.headMap(index >>> SHIFT, true).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Chunk> e = it.next();
            long base = e.getKey() << SHIFT;
            if (clear(e.getValue(), 0, (int) Math.min(SLOTS, index - base + 1))) {
                it.remove();
            }
        }
        if (chunks.isEmpty()) {
            first = last = 0;
        } else {
            Map.Entry<Long, Chunk> e = chunks.firstEntry();
            int slot = 0;
            while (e.getValue().length[slot] == 0) {
                slot++;
            }
            first = (e.getKey() << SHIFT) + slot;
        }
    }

    private Chunk chunk(long key) {
        if (key != recentKey) {
            recent = chunks.get(key);
            recentKey = key;
        }
        return recent;
    }

    /** Clears slots {@code [from, to)}; returns whether the chunk is now empty. */
    private boolean clear(Chunk chunk, int from, int to) {
        for (int slot = from; slot < to; slot++) {
            if (chunk.length[slot] != 0) {
                refs.release(chunk.segment[slot]);
                chunk.length[slot] = 0;
                chunk.count--;
            }
        }
        return chunk.count == 0;
    }

    /** 1024 consecutive slots; a slot with length 0 is absent. */
    private static final class Chunk {
        final int[] segment = new int[SLOTS];
        final int[] offset = new int[SLOTS];
        final int[] length = new int[SLOTS];
        int count;
    }
}
