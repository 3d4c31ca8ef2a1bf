package io.consensus.api.spi;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.Membership;
import java.util.random.RandomGenerator;

/**
 * What a core is created with. Everything a core may depend on is here, so that a core given the
 * same context and the same inputs produces the same outputs.
 *
 * @param config              the member's configuration (timing in ticks via
 *                            {@link ConsensusConfig#electionTimeoutTicks()} and friends)
 * @param log                 the group's log as recovered, and every later write
 * @param bootstrapMembership a membership to start from when the log and snapshots hold none. The
 *                            runtime passes null: it stores a new group's bootstrap membership as a
 *                            snapshot at index 0 before the core is created, so it survives a crash;
 *                            tests that step a core directly may pass one
 * @param random              the only source of randomness a core may use (seeded in tests)
 * @param freshMember         true when this member started with an empty data directory and did not
 *                            bootstrap: it must not vote, campaign or accept until a leader has
 *                            brought it up to date, and then only in eras above the one it
 *                            joined in, because it may have made promises before its disk was lost
 */
public record CoreContext(ConsensusConfig config, LogReader log, Membership bootstrapMembership,
                          RandomGenerator random, boolean freshMember) {

    /** This member's id. */
    public String memberId() {
        return config.memberId();
    }
}
