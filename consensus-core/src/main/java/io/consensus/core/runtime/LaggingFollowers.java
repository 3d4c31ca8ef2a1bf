package io.consensus.core.runtime;

import io.consensus.api.FollowerProgress;
import io.consensus.api.GroupStatus;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, reports a follower that falls behind (WARN) and catches up again (INFO), once per
 * episode rather than on every check, so a follower that is down for an hour costs two lines.
 * Confined to the group's event loop; checked when the status refreshes (every heartbeat).
 */
final class LaggingFollowers {

    private static final Logger log = LoggerFactory.getLogger(LaggingFollowers.class);

    private final long thresholdMillis;
    private final long thresholdEntries;
    private final Set<String> lagging = new HashSet<>();

    /** Zero disables the corresponding threshold. */
    LaggingFollowers(long thresholdMillis, long thresholdEntries) {
        this.thresholdMillis = thresholdMillis;
        this.thresholdEntries = thresholdEntries;
    }

    void check(GroupStatus status) {
        if (!status.isLeader()) {
            lagging.clear();
            return;
        }
        for (FollowerProgress follower : status.followers()) {
            boolean behind = (thresholdMillis > 0 && follower.lastContactMs() > thresholdMillis)
                    || (thresholdEntries > 0 && follower.lagEntries() > thresholdEntries);
            if (behind && lagging.add(follower.memberId())) {
                log.warn("group {}: follower {} is lagging: {} entries behind (match index {}), last heard from {} ms "
                                + "ago (thresholds {} entries, {} ms)", status.groupId(), follower.memberId(),
                        follower.lagEntries(), follower.matchIndex(), follower.lastContactMs(), thresholdEntries,
                        thresholdMillis);
            } else if (!behind && lagging.remove(follower.memberId())) {
                log.info("group {}: follower {} caught up: {} entries behind, last heard from {} ms ago", status.groupId(),
                        follower.memberId(), follower.lagEntries(), follower.lastContactMs());
            }
        }
        if (!lagging.isEmpty()) {
            lagging.removeIf(id -> status.followers().stream().noneMatch(f -> f.memberId().equals(id)));
        }
    }
}
