package io.consensus.storage;

import java.util.TreeMap;

/**
 * How many of one group's index slots point into each segment, passing every change on to the
 * node-wide counts. It tells which groups keep the oldest segments alive, so that they, and only
 * they, can be asked to snapshot.
 *
 * <p>Confined like {@link GroupIndex}: used under the log's lock, or by recovery.
 */
final class GroupSegments implements GroupIndex.Refs {

    private final GroupIndex.Refs node;
    /** Live slots by segment; a segment with none is absent. */
    private final TreeMap<Integer, int[]> live = new TreeMap<>();
    /** The counter touched last and its segment: nearly every change is to the active segment. */
    private int[] recent;
    private int recentSeq = -1;

    GroupSegments(GroupIndex.Refs node) {
        this.node = node;
    }

    @Override
    public void retain(int segment) {
        node.retain(segment);
        if (segment != recentSeq) {
            recent = live.computeIfAbsent(segment, s -> new int[1]);
            recentSeq = segment;
        }
        recent[0]++;
    }

    @Override
    public void release(int segment) {
        node.release(segment);
        int[] count = segment == recentSeq ? recent : live.get(segment);
        if (--count[0] == 0) {
            live.remove(segment);
            recentSeq = -1;
        }
    }

    /** The oldest segment holding a live entry of this group, or {@link Integer#MAX_VALUE} if none. */
    int oldest() {
        return live.isEmpty() ? Integer.MAX_VALUE : live.firstKey();
    }
}
