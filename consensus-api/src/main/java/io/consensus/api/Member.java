package io.consensus.api;

import java.util.Objects;

/**
 * A member of a group: its id, unique within the cluster, and the address its transport listens on.
 *
 * @param id   a non-empty id without {@code @}, {@code ,} or whitespace
 * @param host the host name or IP address peers connect to
 * @param port the TCP port, 1..65535 (0 for members that are never contacted over a network)
 */
public record Member(String id, String host, int port) implements Comparable<Member> {

    public Member {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(host, "host");
        if (id.isEmpty() || id.chars().anyMatch(c -> c == '@' || c == ',' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("member id '" + id + "' must be non-empty without '@', ',' or whitespace");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("member " + id + ": port " + port + " is outside 0..65535");
        }
    }

    /** A member with no network address, for in-process clusters. */
    public static Member local(String id) {
        return new Member(id, "localhost", 0);
    }

    /**
     * Parses {@code id@host:port}.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Member parse(String text) {
        String trimmed = text.trim();
        int at = trimmed.indexOf('@');
        int colon = trimmed.lastIndexOf(':');
        if (at <= 0 || colon < at + 2 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a member: expected id@host:port");
        }
        int port;
        try {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + trimmed + "' has a port that is not a number");
        }
        return new Member(trimmed.substring(0, at), trimmed.substring(at + 1, colon), port);
    }

    @Override
    public int compareTo(Member other) {
        return id.compareTo(other.id);
    }

    @Override
    public String toString() {
        return id + "@" + host + ":" + port;
    }
}
