package io.consensus.api.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The identity of one meter: a dot-separated name (the library's are listed in {@link ConsensusMetric}), a description, a base
 * unit and tags such as {@code group}, {@code member} and {@code peer}.
 *
 * @param name        e.g. {@code consensus.commit.index}; units last, as in {@code consensus.fsync.latency}
 * @param description one sentence for exposition formats that carry help text
 * @param baseUnit    {@code bytes}, {@code seconds}, {@code entries}..., or null when it is a plain count
 * @param tags        tag keys to values, sorted by key
 */
public record MeterId(String name, String description, String baseUnit, SortedMap<String, String> tags) {

    /** The tag naming the group. */
    public static final String GROUP = "group";
    /** The tag naming the member that reports. */
    public static final String MEMBER = "member";
    /** The tag naming the other member a meter is about (traffic, follower lag). */
    public static final String PEER = "peer";

    public MeterId {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    }

    /** An id with the given tags. */
    public static MeterId of(String name, String description, String baseUnit, Map<String, String> tags) {
        return new MeterId(name, description, baseUnit, new TreeMap<>(tags));
    }

    /** This id with one more tag (or a tag replaced). */
    public MeterId withTag(String key, String value) {
        TreeMap<String, String> more = new TreeMap<>(tags);
        more.put(key, value);
        return new MeterId(name, description, baseUnit, more);
    }
}
