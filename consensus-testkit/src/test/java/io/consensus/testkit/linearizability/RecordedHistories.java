package io.consensus.testkit.linearizability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Random histories recorded from real registers, so linearizable by construction: operations
 * take effect one every 10 ticks, and each interval is stretched at random around that instant.
 */
final class RecordedHistories {

    /** A value no generated operation writes. */
    static final String NEVER_WRITTEN = "never written";

    private RecordedHistories() {
    }

    /**
     * @param valueCount how many distinct values writes choose from, besides deleting; 0 makes
     *     every written value unique
     * @param unknownPercent how often an operation's outcome is unknown; such an operation takes
     *     effect half the time
     * @param stretchTicks how far an interval may reach on either side of its instant
     */
    static List<Operation> generate(
            Random random, int operationCount, int keyCount, int valueCount, int unknownPercent, int stretchTicks) {
        Map<String, String> registers = new HashMap<>();
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i < operationCount; i++) {
            long instant = stretchTicks + 10L * i;
            long invoke = instant - random.nextInt(stretchTicks);
            long complete = instant + random.nextInt(stretchTicks);
            String key = "k" + random.nextInt(keyCount);
            String current = registers.get(key);
            String value = randomValue(random, valueCount, i);
            boolean unknown = random.nextInt(100) < unknownPercent;
            boolean takesEffect = !unknown || random.nextBoolean();
            switch (random.nextInt(3)) {
                case 0 -> {
                    history.add(unknown
                            ? Operation.unknownPut(key, value, invoke)
                            : Operation.put(key, value, invoke, complete));
                    if (takesEffect) {
                        registers.put(key, value);
                    }
                }
                case 1 -> history.add(unknown
                        ? new Operation(key, Operation.Kind.GET, null, null, null, true, invoke, 0)
                        : Operation.get(key, current, invoke, complete));
                default -> {
                    // Expect the current value half the time, so that both outcomes are common.
                    String expect = random.nextBoolean() ? current : randomValue(random, valueCount, -i);
                    boolean matches = Objects.equals(current, expect);
                    history.add(unknown
                            ? Operation.unknownCas(key, expect, value, invoke)
                            : Operation.cas(key, expect, value, matches, invoke, complete));
                    if (takesEffect && matches) {
                        registers.put(key, value);
                    }
                }
            }
        }
        return history;
    }

    /** The history with its last known read changed to return a value never written. */
    static List<Operation> withLastReadCorrupted(List<Operation> history) {
        List<Operation> corrupted = new ArrayList<>(history);
        for (int i = corrupted.size() - 1; i >= 0; i--) {
            Operation op = corrupted.get(i);
            if (op.kind() == Operation.Kind.GET && !op.unknown()) {
                corrupted.set(i, Operation.get(op.key(), NEVER_WRITTEN, op.invoke(), op.complete()));
                return corrupted;
            }
        }
        throw new IllegalArgumentException("no known read to corrupt");
    }

    private static String randomValue(Random random, int valueCount, int uniqueSuffix) {
        if (random.nextInt(10) == 0) {
            return null;
        }
        return valueCount == 0 ? "v" + uniqueSuffix : "v" + random.nextInt(valueCount);
    }
}
