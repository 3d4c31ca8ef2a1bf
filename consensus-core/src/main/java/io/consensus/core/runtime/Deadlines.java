package io.consensus.core.runtime;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Requests that share one timeout, in the order they started, which is then also deadline order, so
 * one sweep per tick finds every expired one from the head. Replaces a timer per request: at tens of
 * thousands of requests a second, a timer each kept hundreds of thousands of timers alive for the
 * whole timeout, a heap operation per request and garbage that outlived the young generation.
 * Loop-confined.
 */
final class Deadlines<T> {

    private record Entry<T>(long deadlineMillis, T item) {}

    private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();

    void add(long deadlineMillis, T item) {
        entries.addLast(new Entry<>(deadlineMillis, item));
    }

    /**
     * Drops finished items from the head and hands each expired one to {@code onExpired}. An item
     * that finished behind an older unfinished one is dropped once that one finishes or expires.
     */
    void sweep(long nowMillis, Predicate<T> finished, Consumer<T> onExpired) {
        while (!entries.isEmpty()) {
            Entry<T> head = entries.peekFirst();
            if (finished.test(head.item())) {
                entries.pollFirst();
            } else if (head.deadlineMillis() <= nowMillis) {
                entries.pollFirst();
                onExpired.accept(head.item());
            } else {
                return;
            }
        }
    }

    int size() {
        return entries.size();
    }
}
