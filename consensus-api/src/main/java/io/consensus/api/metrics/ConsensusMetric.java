package io.consensus.api.metrics;

import java.util.Map;

/**
 * Every meter the library registers, with its kind, unit and tags. Tags {@code group} and
 * {@code member} are on every per-group meter; node-wide meters carry {@code member} only; meters
 * about another member add {@code peer}. {@code docs/operations.md} says what a healthy value looks
 * like and what to alert on.
 */
public enum ConsensusMetric {

    /** Gauge, one per role (tag {@code role}): 1 for this member's current role, else 0. */
    ROLE("consensus.role", "1 for the member's current role (tag role), 0 for the others", null),
    /** Gauge: the Raft term, Paxos ballot round or Zab epoch. */
    ERA("consensus.era", "Current era: Raft term, Paxos ballot round or Zab epoch", null),
    /** Gauge: the highest native log position known committed. */
    COMMIT_INDEX("consensus.commit.index", "Highest native log position known committed", null),
    /** Gauge: the highest native log position applied to the state machine here. */
    APPLIED_INDEX("consensus.applied.index", "Highest native log position applied to the state machine", null),
    /** Counter: commands accepted by {@code submit} on this member. Its rate is proposals per second. */
    PROPOSALS("consensus.proposals", "Commands accepted by submit on this member", null),
    /** Counter, tag {@code reason}: submits that failed with a {@code RejectedException}. */
    PROPOSALS_REJECTED("consensus.proposals.rejected", "Submits rejected, by reason (backpressure, too_large, ...)", null),
    /** Gauge: commands submitted on this member and not yet applied here (bounded by backpressure). */
    PROPOSALS_IN_FLIGHT("consensus.proposals.in.flight", "Commands submitted here and not yet applied here", null),
    /** Timer: from {@code submit} to the command applied on this member. */
    COMMIT_LATENCY("consensus.commit.latency", "From submit to applied on this member", "seconds"),
    /** Counter: elections (campaigns, phase 1, Zab elections) this member started. */
    ELECTIONS_STARTED("consensus.elections.started", "Elections this member started", null),
    /** Counter: elections this member won (it became leader). */
    ELECTIONS_WON("consensus.elections.won", "Elections this member won", null),
    /** Gauge, tag {@code peer}, on the leader: the leader's last position minus the follower's match. */
    FOLLOWER_LAG_ENTRIES("consensus.follower.lag.entries",
            "On the leader: entries the follower (tag peer) is behind; NaN when not leading", "entries"),
    /** Gauge, tag {@code peer}, on the leader: time since the follower last acknowledged. */
    FOLLOWER_LAG_SECONDS("consensus.follower.lag.seconds",
            "On the leader: time since the follower (tag peer) last acknowledged; NaN when not leading", "seconds"),
    /** Summary: this group's log writes covered by one fsync (group commit batch size). */
    FSYNC_BATCH_WRITES("consensus.fsync.batch.writes", "Log writes of this group covered by one fsync", "writes"),
    /** Timer, node-wide: duration of one fsync ({@code NodeStorage.sync}). */
    FSYNC_LATENCY("consensus.fsync.latency", "Duration of one fsync of the node's log", "seconds"),
    /** Summary, node-wide: groups whose writes one fsync covered. */
    FSYNC_BATCH_GROUPS("consensus.fsync.batch.groups", "Groups whose writes one fsync covered", "groups"),
    /** Timer, tag {@code kind} ({@code taken} or {@code installed}): time to take or receive and install a snapshot. */
    SNAPSHOT_DURATION("consensus.snapshot.duration", "Time to take (kind=taken) or receive and install (kind=installed) a snapshot", "seconds"),
    /** Summary, tag {@code kind}: size of a snapshot taken or installed. */
    SNAPSHOT_SIZE("consensus.snapshot.size", "Size of a snapshot taken (kind=taken) or installed (kind=installed)", "bytes"),
    /** Counter, node-wide: envelopes dropped because no such group is open on this node. */
    UNKNOWN_GROUP_MESSAGES("consensus.unknown.group.messages", "Envelopes dropped because their group is not open here", "messages"),
    /** Counter, node-wide, tag {@code peer}: envelopes queued for the peer. */
    SENT_MESSAGES("consensus.transport.sent.messages", "Envelopes queued for the peer", "messages"),
    /** Counter, node-wide, tag {@code peer}: envelope payload bytes queued for the peer. */
    SENT_BYTES("consensus.transport.sent.bytes", "Envelope payload bytes queued for the peer", "bytes"),
    /** Counter, node-wide, tag {@code peer}: envelopes received from the peer. */
    RECEIVED_MESSAGES("consensus.transport.received.messages", "Envelopes received from the peer", "messages"),
    /** Counter, node-wide, tag {@code peer}: envelope payload bytes received from the peer. */
    RECEIVED_BYTES("consensus.transport.received.bytes", "Envelope payload bytes received from the peer", "bytes"),
    /** Counter, node-wide, tag {@code peer}: envelopes dropped (not connected, write buffer full, too large). */
    DROPPED_MESSAGES("consensus.transport.dropped.messages",
            "Envelopes to the peer dropped: not connected, write buffer full or frame too large", "messages");

    private final String meterName;
    private final String description;
    private final String baseUnit;

    ConsensusMetric(String meterName, String description, String baseUnit) {
        this.meterName = meterName;
        this.description = description;
        this.baseUnit = baseUnit;
    }

    /** The meter's name, e.g. {@code consensus.commit.index}. */
    public String meterName() {
        return meterName;
    }

    /** One sentence on what it measures. */
    public String description() {
        return description;
    }

    /** Its base unit, or null for a plain count or index. */
    public String baseUnit() {
        return baseUnit;
    }

    /** The id of this meter with {@code tags}. */
    public MeterId id(Map<String, String> tags) {
        return MeterId.of(meterName, description, baseUnit, tags);
    }
}
