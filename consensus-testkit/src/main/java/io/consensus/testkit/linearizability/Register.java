package io.consensus.testkit.linearizability;

import java.util.Objects;

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

    /** The register's value after {@code op}; only meaningful when {@link #accepts} holds. */
    static String apply(String state, Operation op) {
        return switch (op.kind()) {
            case PUT -> op.value();
            case GET -> state;
            case CAS -> Objects.equals(state, op.expect()) ? op.value() : state;
        };
    }
}
