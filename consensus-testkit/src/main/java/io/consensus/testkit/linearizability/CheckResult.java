package io.consensus.testkit.linearizability;

import java.util.ArrayList;
import java.util.List;

/**
 * The verdict of {@link LinearizabilityChecker}: either the whole history is linearizable, or
 * a {@link Violation} names the key whose operations admit no linearization.
 */
public sealed interface CheckResult permits CheckResult.Linearizable, CheckResult.Violation {

    /** Whether every key's operations could be ordered to agree with a sequential register. */
    boolean isLinearizable();

    /** A human-readable, possibly multi-line account of the verdict. */
    String describe();

    /** Every key's operations have a linearization. */
    record Linearizable(int keyCount, int operationCount) implements CheckResult {

        @Override
        public boolean isLinearizable() {
            return true;
        }

        @Override
        public String describe() {
            return "linearizable: " + operationCount + " operations on " + keyCount + " keys";
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * The operations on {@code key} have no linearization. Of all failing keys, this is the one
     * with the fewest operations, to keep the counterexample small.
     *
     * @param key the key whose operations failed
     * @param subHistory every operation on {@code key}, sorted by invoke time
     * @param longestLinearization the longest sequence of those operations, in linearization
     *     order, that the search could order consistently before getting stuck
     */
    record Violation(String key, List<Operation> subHistory, List<Operation> longestLinearization)
            implements CheckResult {

        public Violation {
            subHistory = List.copyOf(subHistory);
            longestLinearization = List.copyOf(longestLinearization);
        }

        @Override
        public boolean isLinearizable() {
            return false;
        }

        /**
         * The operations on the key by invoke time, one a line, each numbered in the {@code #}
         * column with its place in the longest linearization found (blank when not in it).
         */
        @Override
        public String describe() {
            long unknown = subHistory.stream().filter(Operation::unknown).count();
            StringBuilder text = new StringBuilder()
                    .append("not linearizable: the ").append(subHistory.size())
                    .append(" operations on key \"").append(key).append('"')
                    .append(unknown == 0 ? "" : " (" + unknown + " with unknown outcome)")
                    .append(" have no linearization.\n")
                    .append("The longest linearizable prefix found orders ")
                    .append(longestLinearization.size()).append(" of them, numbered in column #:\n");
            List<Integer> places = placesInLinearization();
            int intervalWidth = subHistory.stream()
                    .mapToInt(op -> op.describeInterval().length()).max().orElse(0);
            String row = "%4s  %-" + Math.max(intervalWidth, "interval".length()) + "s  %s\n";
            text.append(String.format(row, "#", "interval", "operation"));
            for (int i = 0; i < subHistory.size(); i++) {
                Operation op = subHistory.get(i);
                String place = places.get(i) == null ? "" : places.get(i).toString();
                text.append(String.format(row, place, op.describeInterval(), op.describeEffect()));
            }
            return text.toString();
        }

        /** For each operation of the sub-history, its 1-based place in the linearization. */
        private List<Integer> placesInLinearization() {
            List<Integer> places = new ArrayList<>(subHistory.size());
            subHistory.forEach(op -> places.add(null));
            for (int place = 0; place < longestLinearization.size(); place++) {
                // Equal operations are interchangeable, so number the first one not yet numbered.
                for (int i = 0; i < subHistory.size(); i++) {
                    if (places.get(i) == null && subHistory.get(i).equals(longestLinearization.get(place))) {
                        places.set(i, place + 1);
                        break;
                    }
                }
            }
            return places;
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
