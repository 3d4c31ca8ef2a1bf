package io.consensus.testkit.linearizability;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks whether a history of key-value operations is linearizable: whether every operation
 * can be given an instant between its invoke and complete such that, taken in that order, the
 * operations agree with a sequential key-value store in which every key starts absent.
 *
 * <p>Keys are independent registers, and linearizability is compositional, so each key's
 * sub-history is checked on its own (Herlihy and Wing; Porcupine calls this partitioning). Each
 * is searched with the Wing–Gong algorithm and Lowe's memoisation, the approach of Knossos and
 * Porcupine, plus pruning that keeps unknown outcomes cheap when written values are unique. The
 * search is still exponential in the worst case: in the number of operations concurrent on one
 * key, an unknown-outcome write counting as concurrent with everything after its invoke. So
 * tests should keep that number small, and prefer unique written values.
 *
 * <p>Stateless and thread-safe.
 */
public final class LinearizabilityChecker {

    private LinearizabilityChecker() {
    }

    /**
     * Checks {@code history}, in any order. Smaller keys are searched first and the search stops
     * at the first failing key, so a {@link CheckResult.Violation} reports the failing key with
     * the fewest operations.
     */
    public static CheckResult check(Collection<Operation> history) {
        Map<String, List<Operation>> byKey = history.stream()
                .sorted(Comparator.comparingLong(Operation::invoke))
                .collect(Collectors.groupingBy(Operation::key, TreeMap::new, Collectors.toList()));
        List<Map.Entry<String, List<Operation>>> smallestFirst = byKey.entrySet().stream()
                .sorted(Comparator.comparingInt(entry -> entry.getValue().size()))
                .toList();
        for (Map.Entry<String, List<Operation>> entry : smallestFirst) {
            RegisterSearch.Outcome outcome = RegisterSearch.run(entry.getValue());
            if (!outcome.linearizable()) {
                return new CheckResult.Violation(entry.getKey(), entry.getValue(), outcome.longestLinearization());
            }
        }
        return new CheckResult.Linearizable(byKey.size(), history.size());
    }
}
