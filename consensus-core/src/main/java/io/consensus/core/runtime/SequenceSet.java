package io.consensus.core.runtime;

import java.util.Arrays;

/**
 * A sorted set of sequence numbers in one growable array: the dedup table's record of a session's
 * applied sequences above its floor. Sequences arrive almost in order and leave from the low end, so
 * adding is an append and trimming moves a start offset; no object per sequence (a TreeSet of boxed
 * longs cost two objects per applied command, each surviving in an old-generation tree).
 */
final class SequenceSet {

    private long[] values = new long[16];
    private int start;
    private int end;

    int size() {
        return end - start;
    }

    /** Adds {@code sequence}; false if it was already present. */
    boolean add(long sequence) {
        ensureRoom(); // first: it may move the values, and with them the positions found below
        if (end > start && sequence > values[end - 1]) {
            values[end++] = sequence;
            return true;
        }
        int at = Arrays.binarySearch(values, start, end, sequence);
        if (at >= 0) {
            return false;
        }
        int insertion = -at - 1;
        System.arraycopy(values, insertion, values, insertion + 1, end - insertion);
        values[insertion] = sequence;
        end++;
        return true;
    }

    /** Removes every sequence below {@code floor}. */
    void removeBelow(long floor) {
        while (start < end && values[start] < floor) {
            start++;
        }
        if (start == end) {
            start = end = 0;
        }
    }

    /** The sequences, in ascending order. */
    long[] toArray() {
        return Arrays.copyOfRange(values, start, end);
    }

    private void ensureRoom() {
        if (end < values.length) {
            return;
        }
        int size = end - start;
        long[] target = size * 2 > values.length ? new long[values.length * 2] : values;
        System.arraycopy(values, start, target, 0, size);
        values = target;
        start = 0;
        end = size;
    }
}
