package io.consensus.testkit.linearizability;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The sequential specification of one key: a register holding a string, or {@code null} when
 * the key is absent. Each key of the store is an independent register, which is what lets the
 * checker split a history by key.
 */
final class Register {

    private Register() {
    }

    /**
     * Whether {@code op}, applied atomically to a register holding {@code state}, could have
     * produced the result the client saw. An unknown-outcome operation is only ever linearized
     * where it takes effect: an unknown CAS that would fail is the same as one that never ran.
     */
    static boolean accepts(String state, Operation op) {
        return switch (op.kind()) {
            case PUT -> true;
            case GET -> !op.unknown() && Objects.equals(state, op.result());
            case CAS -> op.unknown() || "true".equals(op.result())
                    ? Objects.equals(state, op.expect())
                    : !Objects.equals(state, op.expect());
        };
    }

    /** Whether {@code op} is known to have left the register unchanged: a GET or failed CAS. */
    static boolean isReadOnly(Operation op) {
        return !op.unknown() && (op.kind() == Operation.Kind.GET || "false".equals(op.result()));
    }

    /**
     * Which values, written over {@code state}, some of {@code observers} would notice: accept
     * with the new value but not with {@code state}. Equivalent to testing {@link #accepts} on
     * each observer, but in constant time per value.
     */
    static Predicate<String> noticedWrites(String state, List<Operation> observers) {
        Set<String> awaitedValues = new HashSet<>();
        boolean awaitsAnyChange = false;
        for (Operation op : observers) {
            switch (op.kind()) {
                case PUT -> { } // accepts every value alike
                case GET -> {
                    if (!op.unknown()) {
                        awaitedValues.add(op.result());
                    }
                }
                case CAS -> {
                    if (op.unknown() || "true".equals(op.result())) {
                        awaitedValues.add(op.expect());
                    } else if (Objects.equals(op.expect(), state)) {
                        awaitsAnyChange = true; // failed, so it went while the value was another
                    }
                }
            }
        }
        boolean anyChange = awaitsAnyChange;
        return value -> !Objects.equals(value, state) && (anyChange || awaitedValues.contains(value));
    }

    /** The register's value after {@code op}; only meaningful when {@link #accepts} holds. */
    static String apply(String state, Operation op) {
        return switch (op.kind()) {
            case PUT -> op.value();
            case GET -> state;
            case CAS -> Objects.equals(state, op.expect()) ? op.value() : state;
        };
    }
}
