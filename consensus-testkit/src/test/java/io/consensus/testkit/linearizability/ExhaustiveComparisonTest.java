package io.consensus.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker's pruned search against a plain exhaustive one, with its own register model, on
 * many small random histories: the pruning must never change a verdict.
 */
class ExhaustiveComparisonTest {

    private static final String[] VALUES = {null, "a", "b"};
    private static final int HISTORIES = 10_000;

    @Test
    void prunedSearchAgreesWithExhaustiveSearchOnSmallRandomHistories() {
        int linearizable = 0;
        for (long seed = 0; seed < HISTORIES; seed++) {
            List<Operation> history = randomHistory(new Random(seed));
            boolean expected = exhaustivelyLinearizable(history, null);
            assertThat(LinearizabilityChecker.check(history).isLinearizable())
                    .as("seed %d: %s", seed, history).isEqualTo(expected);
            linearizable += expected ? 1 : 0;
        }
        // Both verdicts must be well represented for the comparison to mean anything.
        assertThat(linearizable).isBetween(HISTORIES / 5, HISTORIES * 4 / 5);
    }

    /** Up to 9 operations on one key, with arbitrary results and many unknown outcomes. */
    private static List<Operation> randomHistory(Random random) {
        List<Operation> history = new ArrayList<>();
        int size = 1 + random.nextInt(9);
        for (int i = 0; i < size; i++) {
            long invoke = random.nextInt(20);
            long complete = invoke + random.nextInt(8);
            String value = VALUES[random.nextInt(VALUES.length)];
            String other = VALUES[random.nextInt(VALUES.length)];
            boolean unknown = random.nextInt(3) == 0;
            history.add(switch (random.nextInt(3)) {
                case 0 -> unknown ? Operation.unknownPut("k", value, invoke) : Operation.put("k", value, invoke, complete);
                case 1 -> Operation.get("k", value, invoke, complete);
                default -> unknown
                        ? Operation.unknownCas("k", other, value, invoke)
                        : Operation.cas("k", other, value, random.nextBoolean(), invoke, complete);
            });
        }
        return history;
    }

    /**
     * Whether some operation can go first, consistently with {@code state} and real time, and
     * the rest then linearize; unknown-outcome operations may also be left out.
     */
    private static boolean exhaustivelyLinearizable(List<Operation> pending, String state) {
        if (pending.stream().allMatch(Operation::unknown)) {
            return true;
        }
        for (Operation op : pending) {
            boolean minimal = pending.stream().noneMatch(other -> other.precedes(op));
            if (minimal && legal(state, op)) {
                List<Operation> rest = new ArrayList<>(pending);
                rest.remove(op);
                if (exhaustivelyLinearizable(rest, after(state, op))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a register holding {@code state} (null: absent) can give {@code op} its result. */
    private static boolean legal(String state, Operation op) {
        boolean matches = Objects.equals(state, op.expect());
        return switch (op.kind()) {
            case PUT -> true;
            case GET -> !op.unknown() && Objects.equals(state, op.result());
            case CAS -> op.unknown() || op.result().equals("true") ? matches : !matches;
        };
    }

    private static String after(String state, Operation op) {
        boolean writes = op.kind() == Operation.Kind.PUT
                || op.kind() == Operation.Kind.CAS && Objects.equals(state, op.expect());
        return writes ? op.value() : state;
    }
}
