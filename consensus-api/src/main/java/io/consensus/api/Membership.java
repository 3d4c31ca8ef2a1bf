package io.consensus.api;

import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A group's configuration: who votes and who only learns.
 *
 * <p>During a joint-consensus change {@code outgoingVoters} holds the old voter set and decisions
 * need a majority of both; otherwise it is empty. Sets are sorted by member id so that every member
 * iterates them in the same order (simulation determinism).
 *
 * @param voters         members whose acknowledgements count towards a quorum
 * @param learners       members that receive the log but do not vote (learners, observers)
 * @param outgoingVoters the previous voters while a joint change is in progress, else empty
 */
public record Membership(SortedSet<Member> voters, SortedSet<Member> learners, SortedSet<Member> outgoingVoters) {

    public Membership {
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
        outgoingVoters = Collections.unmodifiableSortedSet(new TreeSet<>(outgoingVoters));
        for (Member learner : learners) {
            if (voters.stream().anyMatch(v -> v.id().equals(learner.id()))) {
                throw new IllegalArgumentException("member " + learner.id() + " is both a voter and a learner");
            }
        }
    }

    /** A membership of voters only. */
    public static Membership ofVoters(Set<Member> voters) {
        return new Membership(new TreeSet<>(voters), new TreeSet<>(), new TreeSet<>());
    }

    /** Whether a joint (two-majority) configuration is in effect. */
    public boolean isJoint() {
        return !outgoingVoters.isEmpty();
    }

    /** Every member that takes part: voters, outgoing voters and learners, sorted by id. */
    public SortedSet<Member> all() {
        TreeSet<Member> all = new TreeSet<>(voters);
        all.addAll(outgoingVoters);
        all.addAll(learners);
        return Collections.unmodifiableSortedSet(all);
    }

    /** Looks a member up by id among all participants. */
    public Optional<Member> member(String id) {
        return all().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** Whether {@code id} votes in the incoming or outgoing configuration. */
    public boolean isVoter(String id) {
        return contains(voters, id) || contains(outgoingVoters, id);
    }

    /** Whether {@code id} is a learner. */
    public boolean isLearner(String id) {
        return contains(learners, id);
    }

    // A loop, not a stream: cores ask this on every step of every group.
    private static boolean contains(SortedSet<Member> members, String id) {
        for (Member member : members) {
            if (member.id().equals(id)) {
                return true;
            }
        }
        return false;
    }
}
