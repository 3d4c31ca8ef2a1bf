package io.consensus.testkit.linearizability;

import static io.consensus.testkit.linearizability.Operation.cas;
import static io.consensus.testkit.linearizability.Operation.get;
import static io.consensus.testkit.linearizability.Operation.put;
import static io.consensus.testkit.linearizability.Operation.unknownCas;
import static io.consensus.testkit.linearizability.Operation.unknownPut;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
                put("large", "a", 0, 1), get("large", "b", 2, 3), get("large", "a", 4, 5), put("large", "a", 6, 7),
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
    void describeListsOperationsByInvokeAndNumbersTheLongestLinearization() {
        CheckResult result = LinearizabilityChecker.check(List.of(
                get(K, "a", 11, 12), put(K, "a", 1, 2), unknownPut(K, "c", 5), put(K, "b", 0, 10), get(K, "b", 3, 4)));

        assertThat(result.describe()).isEqualTo("""
                not linearizable: the 5 operations on key "k" (1 with unknown outcome) have no linearization.
                The longest linearizable prefix found orders 3 of them, numbered in column #:
                   #  interval  operation
                   2  [0, 10]   PUT "b"
                   1  [1, 2]    PUT "a"
                   3  [3, 4]    GET = "b"
                      [5, ?]    PUT "c" (outcome unknown)
                      [11, 12]  GET = "a"
                """);
    }

    @Test
    void linearizableResultSummarisesWhatWasChecked() {
        CheckResult result = LinearizabilityChecker.check(List.of(put("x", "a", 0, 1), get("y", null, 0, 1)));

        assertThat(result.isLinearizable()).isTrue();
        assertThat(result).hasToString("linearizable: 2 operations on 2 keys");
    }

    @Test
    void historiesRecordedFromRealRegistersAreLinearizableUntilAReadIsCorrupted() {
        for (long seed = 0; seed < 200; seed++) {
            List<Operation> history = RecordedHistories.generate(new Random(seed), 40, 2, 3, 10, 30);
            assertThat(LinearizabilityChecker.check(history).isLinearizable())
                    .as("seed %d: %s", seed, history).isTrue();

            List<Operation> corrupted = RecordedHistories.withLastReadCorrupted(history);
            assertThat(LinearizabilityChecker.check(corrupted).isLinearizable())
                    .as("seed %d: %s", seed, corrupted).isFalse();
        }
    }

    /**
     * A failing check must explore every configuration before the failure, which unknown
     * outcomes multiply; this guards the pruning that keeps that polynomial for unique values.
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void longHistoryWithManyUnknownOutcomesAndALateViolationIsCheckedQuickly() {
        List<Operation> history = RecordedHistories.generate(new Random(1), 1_000, 1, 0, 20, 30);

        assertThat(LinearizabilityChecker.check(history).isLinearizable()).isTrue();
        assertThat(LinearizabilityChecker.check(RecordedHistories.withLastReadCorrupted(history)).isLinearizable())
                .isFalse();
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
