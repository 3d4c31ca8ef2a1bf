package io.consensus.api;

/**
 * What the leader knows of one follower's replication, in the protocol's native positions.
 *
 * @param memberId      the follower
 * @param matchIndex    highest position known to be stored on the follower
 * @param lagEntries    how far {@code matchIndex} is behind the leader's last position
 * @param lastContactMs milliseconds since the leader last heard from it, on the leader's clock
 */
public record FollowerProgress(String memberId, long matchIndex, long lagEntries, long lastContactMs) {}
