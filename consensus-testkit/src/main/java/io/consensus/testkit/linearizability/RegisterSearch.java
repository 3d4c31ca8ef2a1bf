package io.consensus.testkit.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Wing–Gong depth-first search, with Lowe's memoisation, over the operations on one key.
 *
 * <p>The search builds a linearization one operation at a time. An operation may go next if it
 * is not yet linearized, its result is consistent with the register's current value, and no
 * other pending known operation completed before it was invoked. When no operation can go
 * next, the search undoes the last choice and tries the following candidate. Every
 * (set of linearized operations, register value) reached is remembered: the future of the
 * search depends on nothing else, so reaching the same pair twice cannot succeed where the
 * first visit failed. The search succeeds once every known operation is linearized; an
 * unknown-outcome operation may be linearized anywhere after its invoke or left out.
 *
 * <p>The search is iterative, so a long history cannot overflow the stack.
 */
final class RegisterSearch {

    /** The search's outcome: the longest linearization found is complete iff linearizable. */
    record Outcome(boolean linearizable, List<Operation> longestLinearization) {
    }

    /** A linearized operation, with the register value to restore when it is undone. */
    private record Choice(int op, String stateBefore) {
    }

    /** A search configuration; BitSet equality is by content. */
    private record Configuration(BitSet linearized, String state) {
    }

    private final List<Operation> ops;
    private final long[] completes;
    private final int knownCount;

    private RegisterSearch(List<Operation> ops) {
        for (int i = 1; i < ops.size(); i++) {
            // Candidate selection stops at the first operation invoked after the horizon.
            if (ops.get(i).invoke() < ops.get(i - 1).invoke()) {
                throw new IllegalArgumentException("operations not sorted by invoke: " + ops);
            }
        }
        this.ops = List.copyOf(ops);
        this.completes = this.ops.stream().mapToLong(Operation::effectiveComplete).toArray();
        this.knownCount = (int) this.ops.stream().filter(op -> !op.unknown()).count();
    }

    /** Searches for a linearization of {@code subHistory}: operations on one key, sorted by invoke. */
    static Outcome run(List<Operation> subHistory) {
        return new RegisterSearch(subHistory).search();
    }

    private Outcome search() {
        BitSet linearized = new BitSet(ops.size());
        Deque<Choice> path = new ArrayDeque<>();
        Set<Configuration> visited = new HashSet<>();
        List<Operation> longest = List.of();
        String state = null; // every key starts absent
        int knownLinearized = 0;
        int firstCandidate = 0;
        while (knownLinearized < knownCount) {
            int next = nextCandidate(linearized, state, firstCandidate, visited);
            if (next >= 0) {
                Operation op = ops.get(next);
                path.push(new Choice(next, state));
                linearized.set(next);
                state = Register.apply(state, op);
                knownLinearized += op.unknown() ? 0 : 1;
                firstCandidate = 0;
                if (path.size() > longest.size()) {
                    longest = linearization(path);
                }
            } else if (path.isEmpty()) {
                return new Outcome(false, longest);
            } else {
                Choice undone = path.pop();
                linearized.clear(undone.op());
                state = undone.stateBefore();
                knownLinearized -= ops.get(undone.op()).unknown() ? 0 : 1;
                firstCandidate = undone.op() + 1;
            }
        }
        return new Outcome(true, linearization(path));
    }

    /**
     * The first operation at index {@code from} or later that may be linearized next and leads
     * to an unvisited configuration, or -1. Operations are sorted by invoke, so the candidates
     * are the pending ones invoked no later than the earliest pending completion.
     */
    private int nextCandidate(BitSet linearized, String state, int from, Set<Configuration> visited) {
        long horizon = earliestPendingComplete(linearized);
        for (int i = linearized.nextClearBit(from);
                i < ops.size() && ops.get(i).invoke() <= horizon;
                i = linearized.nextClearBit(i + 1)) {
            Operation op = ops.get(i);
            if (!Register.accepts(state, op)) {
                continue;
            }
            BitSet after = (BitSet) linearized.clone();
            after.set(i);
            if (visited.add(new Configuration(after, Register.apply(state, op)))) {
                return i;
            }
        }
        return -1;
    }

    private long earliestPendingComplete(BitSet linearized) {
        long earliest = Long.MAX_VALUE;
        for (int i = linearized.nextClearBit(0); i < ops.size(); i = linearized.nextClearBit(i + 1)) {
            earliest = Math.min(earliest, completes[i]);
        }
        return earliest;
    }

    private List<Operation> linearization(Deque<Choice> path) {
        List<Operation> order = new ArrayList<>(path.size());
        path.descendingIterator().forEachRemaining(choice -> order.add(ops.get(choice.op())));
        return List.copyOf(order);
    }
}
