package io.consensus.api;

/** A change to a group's membership, requested through {@link ConsensusGroup}. */
public sealed interface MembershipChange {

    /** Adds {@code member} as a voter; if it is a learner it is promoted. */
    record AddVoter(Member member) implements MembershipChange {}

    /** Adds {@code member} as a learner (non-voting; Zab calls it an observer). */
    record AddLearner(Member member) implements MembershipChange {}

    /** Promotes an existing learner to voter once it has caught up. */
    record Promote(String memberId) implements MembershipChange {}

    /** Removes a voter or learner; removing the leader makes it step down once the change commits. */
    record Remove(String memberId) implements MembershipChange {}

    /**
     * Moves an existing voter or learner to {@code member}'s host and port, keeping its id, its role
     * and its data: no quorum changes, so it is one ordinary configuration entry. Other members dial
     * the new address once it commits; the moved member must then be restarted there (same data
     * directory, its own address changed in its configuration). Until it is, it counts as down.
     */
    record ChangeAddress(Member member) implements MembershipChange {}
}
