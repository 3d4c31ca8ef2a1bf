package io.consensus.testkit.linearizability;

import java.util.Objects;

/**
 * One client operation on a key-value store, as observed from outside: what was asked, what
 * came back, and the logical times at which it was invoked and completed.
 *
 * <p>Field meanings by {@link Kind}:
 * <ul>
 *   <li>{@code PUT}: writes {@code value}; a {@code null} value deletes the key. Result
 *       {@code "ok"}.</li>
 *   <li>{@code GET}: result is the value read, or {@code null} when the key was absent.</li>
 *   <li>{@code CAS}: if the current value equals {@code expect} ({@code null} = absent),
 *       writes {@code value} and results {@code "true"}; otherwise results {@code "false"}
 *       and changes nothing.</li>
 * </ul>
 *
 * <p>An operation with an {@code unknown} outcome (the client timed out) may have taken
 * effect at any moment after {@code invoke}, or never. Its {@code result} and
 * {@code complete} are ignored: its completion is treated as infinitely late.
 *
 * <p>Operation A precedes B in real time only if {@code A.complete < B.invoke}; intervals
 * that merely touch are concurrent.
 */
public record Operation(
        String key,
        Kind kind,
        String value,
        String expect,
        String result,
        boolean unknown,
        long invoke,
        long complete) {

    /** Result of every known {@code PUT}. */
    public static final String OK = "ok";

    /** What an operation asks of the store. */
    public enum Kind { PUT, GET, CAS }

    /** Rejects operations no client could have observed, so that harness bugs fail loudly. */
    public Operation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        if (kind != Kind.CAS && expect != null) {
            throw new IllegalArgumentException(kind + " has no expected value: " + expect);
        }
        if (kind == Kind.GET && value != null) {
            throw new IllegalArgumentException("GET writes no value: " + value);
        }
        if (!unknown) {
            if (complete < invoke) {
                throw new IllegalArgumentException(
                        "completed at " + complete + " before its invoke at " + invoke);
            }
            if (kind == Kind.PUT && !OK.equals(result)) {
                throw new IllegalArgumentException("PUT must result \"ok\", not " + result);
            }
            if (kind == Kind.CAS && !"true".equals(result) && !"false".equals(result)) {
                throw new IllegalArgumentException("CAS must result \"true\" or \"false\", not " + result);
            }
        }
    }

    /** A completed write of {@code value} ({@code null} deletes the key). */
    public static Operation put(String key, String value, long invoke, long complete) {
        return new Operation(key, Kind.PUT, value, null, OK, false, invoke, complete);
    }

    /** A completed read that returned {@code result} ({@code null} when the key was absent). */
    public static Operation get(String key, String result, long invoke, long complete) {
        return new Operation(key, Kind.GET, null, null, result, false, invoke, complete);
    }

    /** A completed compare-and-set from {@code expect} to {@code value}. */
    public static Operation cas(
            String key, String expect, String value, boolean succeeded, long invoke, long complete) {
        return new Operation(
                key, Kind.CAS, value, expect, Boolean.toString(succeeded), false, invoke, complete);
    }

    /** A write whose client never learned whether it took effect. */
    public static Operation unknownPut(String key, String value, long invoke) {
        return new Operation(key, Kind.PUT, value, null, null, true, invoke, Long.MAX_VALUE);
    }

    /** A compare-and-set whose client never learned whether it took effect. */
    public static Operation unknownCas(String key, String expect, String value, long invoke) {
        return new Operation(key, Kind.CAS, value, expect, null, true, invoke, Long.MAX_VALUE);
    }

    /** Whether this operation finished before {@code other} began, so must be ordered first. */
    public boolean precedes(Operation other) {
        return !unknown && complete < other.invoke;
    }

    /** The operation without its key or interval, e.g. {@code CAS "a"->"b" = "true"}. */
    String describeEffect() {
        String outcome = unknown ? "(outcome unknown)" : "= " + quote(result);
        return switch (kind) {
            case PUT -> "PUT " + quote(value) + (unknown ? " " + outcome : "");
            case GET -> "GET " + outcome;
            case CAS -> "CAS " + quote(expect) + "->" + quote(value) + " " + outcome;
        };
    }

    /** The real-time interval, e.g. {@code [3, 7]} or {@code [3, ?]}. */
    String describeInterval() {
        return "[" + invoke + ", " + (unknown ? "?" : Long.toString(complete)) + "]";
    }

    private static String quote(String s) {
        return s == null ? "null" : '"' + s + '"';
    }

    @Override
    public String toString() {
        return describeInterval() + " " + key + " " + describeEffect();
    }
}
