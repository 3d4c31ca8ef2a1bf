package io.consensus.testkit.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The Wing–Gong depth-first search, with Lowe's memoisation, over the operations on one key.
 *
 * <p>The search builds a linearization one operation at a time. An operation may go next if it
 * is not yet linearized, its result is consistent with the register's current value, and no
 * pending known operation completed before it was invoked. When no operation can go next, the
 * search undoes the last choice and tries the following candidate. It succeeds once every known
 * operation is linearized; an unknown-outcome operation may be linearized anywhere after its
 * invoke, or left out.
 *
 * <p>Five rules prune the search. Each skips a step only when a configuration already visited,
 * or another step from the same one, can finish at least as quickly, so the shortest
 * linearization is never cut off and the verdict is exact:
 * <ul>
 *   <li>Memoisation: what can follow a configuration depends only on which operations are
 *       linearized and on the register's value.</li>
 *   <li>Dominance: an unknown-outcome operation is an option, never an obligation, so a
 *       configuration is no better than a visited one with the same known operations linearized,
 *       the same value, and a subset of its unknown ones linearized. Known operations are tried
 *       before unknown ones so that such smaller configurations tend to be visited first.</li>
 *   <li>Twins: of several invoked unknown-outcome operations with the same effect, it does not
 *       matter which is used, so they are used in invoke order.</li>
 *   <li>Reads first: a pending read-only operation (GET or failed CAS) that may go next and
 *       agrees with the current value goes next without alternatives, since it changes nothing
 *       and only relaxes real-time constraints on the rest.</li>
 *   <li>Noticed writes only: an unknown-outcome write goes next only if some operation that may
 *       follow it would notice, accepting the value written but not the current one. Otherwise
 *       the operation after it accepts both values: a read that could go first instead, or a
 *       write that makes this one pointless.</li>
 * </ul>
 * Without the last three, a history with many unknown outcomes takes time exponential in their
 * number even when its values are unique; with them it stays polynomial in that case. Few
 * distinct values with many unknown outcomes can still take exponential time.
 *
 * <p>The search is iterative, so a long history cannot overflow the stack. Not thread-safe: one
 * instance serves one search.
 */
final class RegisterSearch {

    /** The search's outcome: the longest linearization found is complete iff linearizable. */
    record Outcome(boolean linearizable, List<Operation> longestLinearization) {
    }

    /**
     * A linearized operation, with the register value to restore when it is undone; a forced
     * read has no alternatives to try once undone.
     */
    private record Choice(int op, String stateBefore, boolean forced) {
    }

    /** Known operations linearized and the register's value; BitSet equality is by content. */
    private record Progress(BitSet linearizedKnown, String state) {
    }

    /** What an operation would do; operations with equal effects are interchangeable. */
    private record Effect(Operation.Kind kind, String value, String expect) {
    }

    /**
     * Known operations by invoke, then unknown-outcome ones by invoke. An operation's id is its
     * index here, and candidates are tried in id order.
     */
    private final List<Operation> ops;
    private final int knownCount;
    /** Ids of the unknown-outcome CAS operations, in invoke order. */
    private final int[] unknownCasIds;
    /** For each unknown-outcome op, the latest earlier one with the same effect, or -1. */
    private final int[] previousTwin;
    /** For each progress visited, the minimal sets of unknown ops linearized on reaching it. */
    private final Map<Progress, List<BitSet>> visited = new HashMap<>();

    private final BitSet linearizedKnown = new BitSet();
    private final BitSet linearizedUnknown = new BitSet();
    private final Deque<Choice> path = new ArrayDeque<>();
    private String state; // null: absent, as every key starts

    private RegisterSearch(List<Operation> subHistory) {
        Comparator<Operation> byInvoke = Comparator.comparingLong(Operation::invoke);
        this.ops = Stream.concat(
                        subHistory.stream().filter(op -> !op.unknown()).sorted(byInvoke),
                        subHistory.stream().filter(Operation::unknown).sorted(byInvoke))
                .toList();
        this.knownCount = (int) subHistory.stream().filter(op -> !op.unknown()).count();
        this.unknownCasIds = IntStream.range(knownCount, ops.size())
                .filter(id -> ops.get(id).kind() == Operation.Kind.CAS)
                .toArray();
        this.previousTwin = new int[ops.size()];
        Map<Effect, Integer> latestByEffect = new HashMap<>();
        for (int id = knownCount; id < ops.size(); id++) {
            Operation op = ops.get(id);
            Integer twin = latestByEffect.put(new Effect(op.kind(), op.value(), op.expect()), id);
            previousTwin[id] = twin == null ? -1 : twin;
        }
    }

    /** Searches for a linearization of {@code subHistory}, which holds the operations on one key. */
    static Outcome run(List<Operation> subHistory) {
        return new RegisterSearch(subHistory).search();
    }

    private Outcome search() {
        visit(linearizedKnown, linearizedUnknown, state);
        List<Operation> longest = List.of();
        int firstCandidate = 0;
        while (linearizedKnown.cardinality() < knownCount) {
            Choice choice = nextChoice(firstCandidate);
            if (choice != null) {
                path.push(choice);
                (choice.op() < knownCount ? linearizedKnown : linearizedUnknown).set(choice.op());
                state = Register.apply(state, ops.get(choice.op()));
                firstCandidate = 0;
            } else if (path.isEmpty()) {
                return new Outcome(false, longest);
            } else {
                // Every path ends in a backtrack unless the search succeeds, so this sees the longest.
                if (path.size() > longest.size()) {
                    longest = linearization();
                }
                Choice undone = path.pop();
                (undone.op() < knownCount ? linearizedKnown : linearizedUnknown).clear(undone.op());
                state = undone.stateBefore();
                firstCandidate = undone.forced() ? ops.size() : undone.op() + 1;
            }
        }
        return new Outcome(true, linearization());
    }

    /**
     * The next step from the current configuration to a configuration not yet visited, trying
     * candidates from id {@code firstCandidate} on, or null if there is none.
     */
    private Choice nextChoice(int firstCandidate) {
        long horizon = earliestPendingComplete();
        if (firstCandidate == 0) {
            int read = acceptedPendingRead(horizon);
            if (read >= 0) {
                return step(read, true);
            }
        }
        for (int id = linearizedKnown.nextClearBit(firstCandidate);
                id < knownCount && ops.get(id).invoke() <= horizon;
                id = linearizedKnown.nextClearBit(id + 1)) {
            Choice choice = step(id, false);
            if (choice != null) {
                return choice;
            }
        }
        Predicate<String> noticed = null;
        for (int id = Math.max(firstCandidate, knownCount);
                id < ops.size() && ops.get(id).invoke() <= horizon;
                id++) {
            Operation op = ops.get(id);
            boolean firstUnusedTwin = previousTwin[id] < 0 || linearizedUnknown.get(previousTwin[id]);
            if (linearizedUnknown.get(id) || !firstUnusedTwin || !Register.accepts(state, op)) {
                continue;
            }
            noticed = noticed == null ? Register.noticedWrites(state, pendingObservers(horizon)) : noticed;
            Choice choice = noticed.test(Register.apply(state, op)) ? step(id, false) : null;
            if (choice != null) {
                return choice;
            }
        }
        return null;
    }

    /**
     * The pending operations that may go next, less unknown-outcome PUTs and GETs, which notice
     * no write.
     */
    private List<Operation> pendingObservers(long horizon) {
        List<Operation> observers = new ArrayList<>();
        for (int id = linearizedKnown.nextClearBit(0);
                id < knownCount && ops.get(id).invoke() <= horizon;
                id = linearizedKnown.nextClearBit(id + 1)) {
            observers.add(ops.get(id));
        }
        for (int id : unknownCasIds) {
            if (ops.get(id).invoke() > horizon) {
                break;
            }
            if (!linearizedUnknown.get(id)) {
                observers.add(ops.get(id));
            }
        }
        return observers;
    }

    /**
     * The earliest completion among pending known operations: none may be invoked after it. The
     * scan stops early because every later operation is invoked, so completes, later still.
     */
    private long earliestPendingComplete() {
        long earliest = Long.MAX_VALUE;
        for (int id = linearizedKnown.nextClearBit(0);
                id < knownCount && ops.get(id).invoke() < earliest;
                id = linearizedKnown.nextClearBit(id + 1)) {
            earliest = Math.min(earliest, ops.get(id).complete());
        }
        return earliest;
    }

    /** A pending read-only operation that may go next and agrees with the value, or -1. */
    private int acceptedPendingRead(long horizon) {
        for (int id = linearizedKnown.nextClearBit(0);
                id < knownCount && ops.get(id).invoke() <= horizon;
                id = linearizedKnown.nextClearBit(id + 1)) {
            if (Register.isReadOnly(ops.get(id)) && Register.accepts(state, ops.get(id))) {
                return id;
            }
        }
        return -1;
    }

    /** Linearizing op {@code id} next, if it is legal and leads to an unvisited configuration. */
    private Choice step(int id, boolean forced) {
        Operation op = ops.get(id);
        if (!Register.accepts(state, op)) {
            return null;
        }
        String after = Register.apply(state, op);
        boolean unvisited = id < knownCount
                ? visit(with(linearizedKnown, id), linearizedUnknown, after)
                : visit(linearizedKnown, with(linearizedUnknown, id), after);
        return unvisited ? new Choice(id, state, forced) : null;
    }

    /**
     * Records a configuration unless a visited one dominates it; returns whether it was recorded.
     * Stores copies, so callers may pass the live bit sets.
     */
    private boolean visit(BitSet known, BitSet unknown, String value) {
        List<BitSet> unknownSets = visited.get(new Progress(known, value));
        if (unknownSets == null) {
            unknownSets = new ArrayList<>();
            visited.put(new Progress((BitSet) known.clone(), value), unknownSets);
        } else if (unknownSets.stream().anyMatch(seen -> isSubset(seen, unknown))) {
            return false;
        }
        // Keep the sets minimal: any superset of the new one is now redundant.
        unknownSets.removeIf(seen -> isSubset(unknown, seen));
        unknownSets.add((BitSet) unknown.clone());
        return true;
    }

    private static BitSet with(BitSet bits, int bit) {
        BitSet copy = (BitSet) bits.clone();
        copy.set(bit);
        return copy;
    }

    private static boolean isSubset(BitSet subset, BitSet of) {
        for (int bit = subset.nextSetBit(0); bit >= 0; bit = subset.nextSetBit(bit + 1)) {
            if (!of.get(bit)) {
                return false;
            }
        }
        return true;
    }

    private List<Operation> linearization() {
        List<Operation> order = new ArrayList<>(path.size());
        path.descendingIterator().forEachRemaining(choice -> order.add(ops.get(choice.op())));
        return List.copyOf(order);
    }
}
