package io.consensus.testkit.linearizability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads labelled histories from a JSON-lines file: one object a line, blank lines ignored.
 *
 * <pre>{@code
 * {"id":0,"linearizable":true,"ops":[{"key":"k0","kind":"GET","value":null,"expect":null,
 *   "result":"c","unknown":false,"invoke":13,"complete":17}, ...]}
 * }</pre>
 *
 * Every field shown is required; the meaning of each operation field is that of
 * {@link Operation}.
 */
public final class HistoryJsonLines {

    private HistoryJsonLines() {
    }

    /**
     * Reads every history in {@code file}.
     *
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException naming the line, if a line is not a valid history
     */
    public static List<LabelledHistory> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read histories from " + file, e);
        }
        List<LabelledHistory> histories = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                histories.add(parse(lines.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return histories;
    }

    /** Parses one line of the format. */
    public static LabelledHistory parse(String line) {
        Map<?, ?> history = as(Map.class, Json.parse(line), "history");
        List<Operation> operations = new ArrayList<>();
        for (Object op : as(List.class, field(history, "ops"), "ops")) {
            operations.add(operation(as(Map.class, op, "operation")));
        }
        return new LabelledHistory(
                as(Long.class, field(history, "id"), "id"),
                as(Boolean.class, field(history, "linearizable"), "linearizable"),
                operations);
    }

    private static Operation operation(Map<?, ?> op) {
        return new Operation(
                as(String.class, field(op, "key"), "key"),
                Operation.Kind.valueOf(as(String.class, field(op, "kind"), "kind")),
                nullableString(op, "value"),
                nullableString(op, "expect"),
                nullableString(op, "result"),
                as(Boolean.class, field(op, "unknown"), "unknown"),
                as(Long.class, field(op, "invoke"), "invoke"),
                as(Long.class, field(op, "complete"), "complete"));
    }

    private static Object field(Map<?, ?> object, String name) {
        if (!object.containsKey(name)) {
            throw new IllegalArgumentException("missing field \"" + name + "\" in " + object);
        }
        return object.get(name);
    }

    private static String nullableString(Map<?, ?> object, String name) {
        Object value = field(object, name);
        return value == null ? null : as(String.class, value, name);
    }

    private static <T> T as(Class<T> type, Object value, String what) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException(
                    what + " should be a JSON " + type.getSimpleName() + ", not " + value);
        }
        return type.cast(value);
    }
}
