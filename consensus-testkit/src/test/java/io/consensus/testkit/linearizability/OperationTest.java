package io.consensus.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class OperationTest {

    @Test
    void precedesOnlyWhenCompletedStrictlyBeforeTheOtherIsInvoked() {
        Operation first = Operation.put("k", "a", 0, 5);

        assertThat(first.precedes(Operation.get("k", "a", 6, 7))).isTrue();
        assertThat(first.precedes(Operation.get("k", "a", 5, 7))).isFalse();
        assertThat(Operation.unknownPut("k", "a", 0).precedes(Operation.get("k", "a", 100, 101))).isFalse();
    }

    @Test
    void rejectsResultsNoClientCouldHaveSeen() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Operation("k", Operation.Kind.PUT, "a", null, "true", false, 0, 1));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Operation("k", Operation.Kind.CAS, "a", null, "ok", false, 0, 1));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Operation("k", Operation.Kind.GET, "a", null, "a", false, 0, 1));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Operation("k", Operation.Kind.PUT, "a", "b", "ok", false, 0, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> Operation.get("k", null, 2, 1));
    }

    @Test
    void ignoresTheResultAndCompletionOfAnUnknownOutcome() {
        Operation timedOut = new Operation("k", Operation.Kind.CAS, "b", "a", null, true, 9, 0);

        assertThat(timedOut).hasToString("[9, ?] k CAS \"a\"->\"b\" (outcome unknown)");
    }

    @Test
    void readsLikeTheOperation() {
        assertThat(Operation.cas("k", null, "b", false, 1, 2)).hasToString("[1, 2] k CAS null->\"b\" = \"false\"");
        assertThat(Operation.get("k", null, 1, 2)).hasToString("[1, 2] k GET = null");
        assertThat(Operation.put("k", null, 1, 2)).hasToString("[1, 2] k PUT null");
    }
}
