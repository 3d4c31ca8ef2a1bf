package io.consensus.testkit.linearizability;

import java.util.List;

/**
 * A history together with the verdict it is known to deserve, as stored in a fixture file.
 *
 * @param id the history's identifier within its file
 * @param linearizable the expected verdict
 * @param operations the operations, in the order the file lists them
 */
public record LabelledHistory(long id, boolean linearizable, List<Operation> operations) {

    public LabelledHistory {
        operations = List.copyOf(operations);
    }
}
