package io.consensus.core.runtime;

import io.consensus.api.FollowerProgress;
import io.consensus.api.GroupStatus;
import io.consensus.api.RejectedException;
import io.consensus.api.Role;
import io.consensus.api.metrics.ConsensusMetric;
import io.consensus.api.metrics.Counter;
import io.consensus.api.metrics.Meter;
import io.consensus.api.metrics.MeterId;
import io.consensus.api.metrics.MetricsRegistry;
import io.consensus.api.metrics.Summary;
import io.consensus.api.metrics.Timer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * One group's meters on one member, registered once when the group opens (per-follower gauges when
 * a member joins) and removed when it closes. Recording is a field access and a call: no lookups or
 * allocation on the paths that record. Gauges read the group's published status when scraped.
 */
final class GroupMeters {

    final Counter proposals;
    final Timer commitLatency;
    final Counter electionsStarted;
    final Counter electionsWon;
    final Summary fsyncBatchWrites;
    final Timer snapshotTakenDuration;
    final Summary snapshotTakenSize;
    final Timer snapshotInstalledDuration;
    final Summary snapshotInstalledSize;

    private final MetricsRegistry registry;
    private final Map<String, String> tags;
    private final String memberId;
    private final Supplier<GroupStatus> status;
    private final Counter[] rejected = new Counter[RejectedException.Reason.values().length];
    private final List<Meter> meters = new ArrayList<>();
    /** Guarded by this: follower gauges are added from the loop and removed on close. */
    private final Map<String, List<Meter>> followerGauges = new HashMap<>();

    /**
     * @param status       the group's latest published status (role, era, commit index, followers)
     * @param appliedIndex the native index applied so far
     * @param inFlight     commands submitted here and not yet applied
     */
    GroupMeters(MetricsRegistry registry, String groupId, String memberId, Supplier<GroupStatus> status,
                LongSupplier appliedIndex, IntSupplier inFlight) {
        this.registry = registry;
        this.tags = Map.of(MeterId.GROUP, groupId, MeterId.MEMBER, memberId);
        this.memberId = memberId;
        this.status = status;
        for (Role role : Role.values()) {
            gauge(ConsensusMetric.ROLE.id(tags).withTag("role", lower(role.name())),
                    () -> status.get().role() == role ? 1 : 0);
        }
        gauge(ConsensusMetric.ERA.id(tags), () -> status.get().era());
        gauge(ConsensusMetric.COMMIT_INDEX.id(tags), () -> status.get().commitIndex());
        gauge(ConsensusMetric.APPLIED_INDEX.id(tags), appliedIndex::getAsLong);
        gauge(ConsensusMetric.PROPOSALS_IN_FLIGHT.id(tags), inFlight::getAsInt);
        proposals = add(registry.counter(ConsensusMetric.PROPOSALS.id(tags)));
        for (RejectedException.Reason reason : RejectedException.Reason.values()) {
            rejected[reason.ordinal()] = add(registry.counter(
                    ConsensusMetric.PROPOSALS_REJECTED.id(tags).withTag("reason", lower(reason.name()))));
        }
        commitLatency = add(registry.timer(ConsensusMetric.COMMIT_LATENCY.id(tags)));
        electionsStarted = add(registry.counter(ConsensusMetric.ELECTIONS_STARTED.id(tags)));
        electionsWon = add(registry.counter(ConsensusMetric.ELECTIONS_WON.id(tags)));
        fsyncBatchWrites = add(registry.summary(ConsensusMetric.FSYNC_BATCH_WRITES.id(tags)));
        snapshotTakenDuration = add(registry.timer(ConsensusMetric.SNAPSHOT_DURATION.id(tags).withTag("kind", "taken")));
        snapshotTakenSize = add(registry.summary(ConsensusMetric.SNAPSHOT_SIZE.id(tags).withTag("kind", "taken")));
        snapshotInstalledDuration = add(registry.timer(ConsensusMetric.SNAPSHOT_DURATION.id(tags).withTag("kind", "installed")));
        snapshotInstalledSize = add(registry.summary(ConsensusMetric.SNAPSHOT_SIZE.id(tags).withTag("kind", "installed")));
    }

    /** The counter of submits rejected for {@code reason}. */
    Counter rejected(RejectedException.Reason reason) {
        return rejected[reason.ordinal()];
    }

    /**
     * Keeps one pair of lag gauges per other member in {@code memberIds}: adds the missing, removes
     * those that left. Called when the known membership changes, which is rare.
     */
    synchronized void trackFollowers(Collection<String> memberIds) {
        Set<String> wanted = new HashSet<>(memberIds);
        wanted.remove(memberId);
        followerGauges.entrySet().removeIf(entry -> {
            if (wanted.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().forEach(Meter::remove);
            return true;
        });
        for (String peer : wanted) {
            followerGauges.computeIfAbsent(peer, id -> List.of(
                    registry.gauge(ConsensusMetric.FOLLOWER_LAG_ENTRIES.id(tags).withTag(MeterId.PEER, id),
                            () -> followerValue(id, FollowerProgress::lagEntries)),
                    registry.gauge(ConsensusMetric.FOLLOWER_LAG_SECONDS.id(tags).withTag(MeterId.PEER, id),
                            () -> followerValue(id, f -> f.lastContactMs() / 1000.0))));
        }
    }

    /** A follower's value while this member leads; NaN (no value) otherwise. */
    private double followerValue(String id, ToDoubleFunction<FollowerProgress> value) {
        GroupStatus current = status.get();
        if (!current.isLeader()) {
            return Double.NaN;
        }
        for (FollowerProgress follower : current.followers()) {
            if (follower.memberId().equals(id)) {
                return value.applyAsDouble(follower);
            }
        }
        return Double.NaN;
    }

    /** Unregisters every meter of the group. */
    synchronized void remove() {
        meters.forEach(Meter::remove);
        followerGauges.values().forEach(gauges -> gauges.forEach(Meter::remove));
        followerGauges.clear();
    }

    private void gauge(MeterId id, DoubleSupplier value) {
        add(registry.gauge(id, value));
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
