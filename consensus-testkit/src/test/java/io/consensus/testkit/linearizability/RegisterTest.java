package io.consensus.testkit.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class RegisterTest {

    private static final List<String> VALUES = Arrays.asList(null, "a", "b", "c");

    @Test
    void getAcceptsOnlyTheValueItReturned() {
        assertThat(Register.accepts("a", Operation.get("k", "a", 0, 1))).isTrue();
        assertThat(Register.accepts(null, Operation.get("k", "a", 0, 1))).isFalse();
        assertThat(Register.accepts(null, Operation.get("k", null, 0, 1))).isTrue();
    }

    @Test
    void casSucceedsExactlyWhenTheValueMatches() {
        Operation succeeded = Operation.cas("k", "a", "b", true, 0, 1);
        Operation failed = Operation.cas("k", "a", "b", false, 0, 1);

        assertThat(Register.accepts("a", succeeded)).isTrue();
        assertThat(Register.apply("a", succeeded)).isEqualTo("b");
        assertThat(Register.accepts("c", succeeded)).isFalse();
        assertThat(Register.accepts("a", failed)).isFalse();
        assertThat(Register.accepts("c", failed)).isTrue();
        assertThat(Register.apply("c", failed)).isEqualTo("c");
    }

    @Test
    void unknownOutcomesAreOnlyLinearizedWhereTheyTakeEffect() {
        assertThat(Register.accepts("a", Operation.unknownCas("k", "a", "b", 0))).isTrue();
        assertThat(Register.accepts("c", Operation.unknownCas("k", "a", "b", 0))).isFalse();
        assertThat(Register.accepts("a", new Operation("k", Operation.Kind.GET, null, null, "a", true, 0, 0)))
                .isFalse();
    }

    @Test
    void noticedWritesAgreesWithAcceptsOnEveryObserver() {
        Random random = new Random(7);
        for (int trial = 0; trial < 2_000; trial++) {
            String state = pick(random);
            List<Operation> observers = new ArrayList<>();
            for (int i = random.nextInt(4); i > 0; i--) {
                observers.add(randomOperation(random));
            }
            Predicate<String> noticed = Register.noticedWrites(state, observers);
            for (String value : VALUES) {
                boolean expected = observers.stream()
                        .anyMatch(op -> Register.accepts(value, op) && !Register.accepts(state, op));
                assertThat(noticed.test(value)).as("%s -> %s with %s", state, value, observers).isEqualTo(expected);
            }
        }
    }

    private static Operation randomOperation(Random random) {
        boolean unknown = random.nextBoolean();
        return switch (random.nextInt(3)) {
            case 0 -> unknown ? Operation.unknownPut("k", pick(random), 0) : Operation.put("k", pick(random), 0, 1);
            case 1 -> new Operation("k", Operation.Kind.GET, null, null, pick(random), unknown, 0, 1);
            default -> unknown
                    ? Operation.unknownCas("k", pick(random), pick(random), 0)
                    : Operation.cas("k", pick(random), pick(random), random.nextBoolean(), 0, 1);
        };
    }

    private static String pick(Random random) {
        return VALUES.get(random.nextInt(VALUES.size()));
    }
}
