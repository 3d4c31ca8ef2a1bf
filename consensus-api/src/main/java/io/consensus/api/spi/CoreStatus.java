package io.consensus.api.spi;

import io.consensus.api.FollowerProgress;
import io.consensus.api.Membership;
import java.util.List;

/**
 * What a core reports for {@link io.consensus.api.ConsensusGroup#status()}.
 *
 * @param state       role, leader and era
 * @param eraDetail   the protocol's own rendering of its era
 * @param commitIndex highest native position known committed
 * @param membership  the configuration in effect
 * @param followers   per-follower progress when leading
 */
public record CoreStatus(CoreState state, String eraDetail, long commitIndex, Membership membership,
                         List<FollowerProgress> followers) {}
