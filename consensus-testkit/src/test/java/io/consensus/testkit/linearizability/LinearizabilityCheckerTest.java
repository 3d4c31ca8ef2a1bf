package io.consensus.testkit.linearizability;

import static io.consensus.testkit.linearizability.Operation.cas;
import static io.consensus.testkit.linearizability.Operation.get;
import static io.consensus.testkit.linearizability.Operation.put;
import static io.consensus.testkit.linearizability.Operation.unknownCas;
import static io.consensus.testkit.linearizability.Operation.unknownPut;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Small histories whose verdict can be worked out by hand. Times are logical. */
class LinearizabilityCheckerTest {

    private static final String K = "k";

    @Test
    void sequentialHistoryIsLinearizable() {
        assertLinearizable(
                get(K, null, 0, 1),
                put(K, "a", 2, 3),
                get(K, "a", 4, 5),
                cas(K, "a", "b", true, 6, 7),
                cas(K, "a", "c", false, 8, 9),
                get(K, "b", 10, 11));
    }

    @Test
    void emptyHistoryIsLinearizable() {
        assertLinearizable();
    }

    @Test
    void staleReadAfterACompletedWriteIsNotLinearizable() {
        assertNotLinearizable(
                put(K, "a", 0, 1),
                put(K, "b", 2, 3),
                get(K, "a", 4, 5));
    }

    @Test
    void lostWriteIsNotLinearizable() {
        assertNotLinearizable(
                put(K, "a", 0, 1),
                put(K, "b", 0, 1),
                get(K, "b", 2, 3),
                get(K, null, 4, 5));
    }

    @Test
    void writeVisibleThenInvisibleIsNotLinearizable() {
        // The read of "a" forces the write before time 2; the later read cannot then miss it.
        assertNotLinearizable(
                put(K, "a", 0, 10),
                get(K, "a", 1, 2),
                get(K, null, 3, 4));
    }

    @Test
    void casThatSucceededAlthoughTheValueDifferedIsNotLinearizable() {
        assertNotLinearizable(
                put(K, "a", 0, 1),
                cas(K, "b", "c", true, 2, 3));
    }

    @Test
    void casThatFailedAlthoughTheValueMatchedIsNotLinearizable() {
        assertNotLinearizable(
                put(K, "a", 0, 1),
                cas(K, "a", "c", false, 2, 3));
    }

    @Test
    void twoConcurrentCasFromTheSameExpectedValueCannotBothSucceed() {
        assertNotLinearizable(
                put(K, "a", 0, 1),
                cas(K, "a", "b", true, 2, 5),
                cas(K, "a", "c", true, 3, 6));
    }

    @Test
    void twoCasFromTheSameExpectedValueBothSucceedWhenAConcurrentWriteRestoredIt() {
        assertLinearizable(
                put(K, "a", 0, 1),
                cas(K, "a", "b", true, 2, 5),
                put(K, "a", 2, 6),
                cas(K, "a", "c", true, 3, 7),
                get(K, "c", 8, 9));
    }

    @Test
    void concurrentWritesCanBeOrderedEitherWay() {
        assertLinearizable(put(K, "a", 0, 10), put(K, "b", 1, 9), get(K, "a", 11, 12));
        assertLinearizable(put(K, "a", 0, 10), put(K, "b", 1, 9), get(K, "b", 11, 12));
    }

    @Test
    void concurrentReadsMaySeeTheWriteOrNot() {
        assertLinearizable(
                put(K, "a", 0, 10),
                get(K, "a", 1, 2),
                get(K, null, 1, 3),
                get(K, "a", 4, 5));
    }

    @Test
    void unknownPutMayTakeEffectLongAfterItsInvoke() {
        assertLinearizable(
                unknownPut(K, "a", 0),
                get(K, null, 1, 2),
                get(K, null, 3, 4),
                get(K, "a", 5, 6));
    }

    @Test
    void unknownPutMayNeverTakeEffect() {
        assertLinearizable(
                put(K, "a", 0, 1),
                unknownPut(K, "b", 2),
                get(K, "a", 3, 4));
    }

    @Test
    void unknownPutCannotTakeEffectBeforeItsInvoke() {
        assertNotLinearizable(
                get(K, "a", 0, 1),
                unknownPut(K, "a", 2));
    }

    @Test
    void unknownPutReadThenNotReadThenReadAgainIsNotLinearizable() {
        // The write takes effect at most once, so "a" cannot vanish and come back.
        assertNotLinearizable(
                unknownPut(K, "a", 0),
                get(K, "a", 1, 2),
                get(K, null, 3, 4),
                get(K, "a", 5, 6));
    }

    @Test
    void unknownCasTakesEffectOnlyWhereItsExpectedValueMatches() {
        assertLinearizable(put(K, "a", 0, 1), unknownCas(K, "a", "b", 2), get(K, "b", 3, 4));
        assertNotLinearizable(put(K, "a", 0, 1), unknownCas(K, "x", "b", 2), get(K, "b", 3, 4));
    }

    @Test
    void unknownGetConstrainsNothing() {
        assertLinearizable(
                new Operation(K, Operation.Kind.GET, null, null, "never written", true, 0, 0),
                put(K, "a", 1, 2));
    }

    @Test
    void touchingIntervalsAreConcurrent() {
        // The read may be ordered before the write because the intervals share time 5.
        assertLinearizable(put(K, "a", 0, 5), get(K, null, 5, 6));
        assertLinearizable(get(K, "a", 0, 5), put(K, "a", 5, 6));
        assertNotLinearizable(put(K, "a", 0, 5), get(K, null, 6, 7));
    }

    @Test
    void readOfADeletedKeyReturnsNull() {
        assertLinearizable(put(K, "a", 0, 1), put(K, null, 2, 3), get(K, null, 4, 5));
        assertNotLinearizable(put(K, "a", 0, 1), put(K, null, 2, 3), get(K, "a", 4, 5));
    }

    @Test
    void casCanRecreateADeletedKey() {
        assertLinearizable(
                put(K, "a", 0, 1),
                put(K, null, 2, 3),
                cas(K, null, "b", true, 4, 5),
                get(K, "b", 6, 7));
    }

    @Test
    void keysAreIndependentRegisters() {
        // Each key alone is fine; a single register holding both values would not be.
        assertLinearizable(
                put("x", "a", 0, 1),
                put("y", "b", 2, 3),
                get("x", "a", 4, 5),
                get("y", "b", 4, 5));
    }

    @Test
    void violationReportsTheSmallestFailingKeyAndItsOperations() {
        Operation staleRead = get("small", "a", 4, 5);
        CheckResult result = LinearizabilityChecker.check(List.of(
                put("large", "a", 0, 1), get("large", "b", 2, 3), get("large", "a", 4, 5),
                put("fine", "a", 0, 1),
                put("small", "a", 0, 1), put("small", "b", 2, 3), staleRead));

        assertThat(result).isInstanceOfSatisfying(CheckResult.Violation.class, violation -> {
            assertThat(violation.key()).isEqualTo("small");
            assertThat(violation.subHistory()).hasSize(3).last().isEqualTo(staleRead);
            assertThat(violation.longestLinearization())
                    .containsExactly(put("small", "a", 0, 1), put("small", "b", 2, 3));
        });
    }

    @Test
    void describeNumbersTheLongestLinearizationInInvokeOrder() {
        CheckResult result = LinearizabilityChecker.check(List.of(
                get(K, "a", 4, 5), put(K, "b", 2, 3), put(K, "a", 0, 1), unknownPut(K, "c", 1)));

        assertThat(result.describe()).isEqualTo("""
                not linearizable: the 4 operations on key "k" (3 with known outcome) have no linearization.
                The longest linearizable prefix found orders 3 of them, numbered in column #:
                   #  interval  operation
                   1  [0, 1]    PUT "a"
                   2  [1, ?]    PUT "c" (outcome unknown)
                   3  [2, 3]    PUT "b"
                      [4, 5]    GET = "a"
                """);
    }

    @Test
    void linearizableResultSummarisesWhatWasChecked() {
        CheckResult result = LinearizabilityChecker.check(List.of(put("x", "a", 0, 1), get("y", null, 0, 1)));

        assertThat(result.isLinearizable()).isTrue();
        assertThat(result).hasToString("linearizable: 2 operations on 2 keys");
    }

    /**
     * Histories recorded from a real register, with every operation's interval stretched at
     * random around the instant it took effect, must be linearizable; corrupting one read of
     * such a history to a value never written must make it not linearizable.
     */
    @Test
    void historiesRecordedFromARealRegisterAreLinearizableAndACorruptedReadIsNot() {
        for (long seed = 0; seed < 200; seed++) {
            List<Operation> history = recordedHistory(new Random(seed), 40);
            assertThat(LinearizabilityChecker.check(history).isLinearizable())
                    .as("seed %d: %s", seed, history).isTrue();

            List<Operation> corrupted = new ArrayList<>(history);
            for (int i = 0; i < corrupted.size(); i++) {
                Operation op = corrupted.get(i);
                if (op.kind() == Operation.Kind.GET && !op.unknown()) {
                    corrupted.set(i, get(op.key(), "never written", op.invoke(), op.complete()));
                    break;
                }
            }
            if (!corrupted.equals(history)) {
                assertThat(LinearizabilityChecker.check(corrupted).isLinearizable())
                        .as("seed %d: %s", seed, corrupted).isFalse();
            }
        }
    }

    /** Applies random operations on two keys to real registers, one instant every 10 ticks. */
    private static List<Operation> recordedHistory(Random random, int operationCount) {
        String[] values = {null, "a", "b", "c"};
        String[] keys = {"x", "y"};
        java.util.Map<String, String> store = new java.util.HashMap<>();
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i < operationCount; i++) {
            long instant = 100 + 10L * i;
            long invoke = instant - random.nextInt(30);
            long complete = instant + random.nextInt(30);
            String key = keys[random.nextInt(keys.length)];
            String current = store.get(key);
            String value = values[random.nextInt(values.length)];
            boolean unknown = random.nextInt(10) == 0;
            // An unknown-outcome operation takes effect only sometimes.
            boolean applies = !unknown || random.nextBoolean();
            switch (random.nextInt(3)) {
                case 0 -> {
                    history.add(unknown ? unknownPut(key, value, invoke) : put(key, value, invoke, complete));
                    if (applies) {
                        store.put(key, value);
                    }
                }
                case 1 -> history.add(unknown
                        ? new Operation(key, Operation.Kind.GET, null, null, null, true, invoke, 0)
                        : get(key, current, invoke, complete));
                default -> {
                    String expect = values[random.nextInt(values.length)];
                    boolean matches = Objects.equals(current, expect);
                    history.add(unknown
                            ? unknownCas(key, expect, value, invoke)
                            : cas(key, expect, value, matches, invoke, complete));
                    if (applies && matches) {
                        store.put(key, value);
                    }
                }
            }
        }
        return history;
    }

    private static void assertLinearizable(Operation... history) {
        CheckResult result = LinearizabilityChecker.check(List.of(history));
        assertThat(result.isLinearizable()).as("%s", result).isTrue();
    }

    private static void assertNotLinearizable(Operation... history) {
        CheckResult result = LinearizabilityChecker.check(List.of(history));
        assertThat(result.isLinearizable()).as("%s", result).isFalse();
    }
}
