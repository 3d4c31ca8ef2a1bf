package io.consensus.core.protocol;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Majority and joint-majority maths. In a joint configuration a decision needs a majority of the
 * incoming voters and, separately, a majority of the outgoing voters.
 */
public final class Quorum {

    private Quorum() {}

    /** The outcome of counting votes. */
    public enum VoteResult { WON, LOST, PENDING }

    /** The size of a majority of {@code voters}. */
    public static int majority(int voters) {
        return voters / 2 + 1;
    }

    /**
     * The highest position that a quorum has reached, given each member's position; members without
     * one count as 0. With joint membership it is the lower of the two majorities' positions.
     */
    public static long committed(Membership membership, ToLongFunction<String> position) {
        long incoming = committed(membership.voters(), position);
        if (!membership.isJoint()) {
            return incoming;
        }
        return Math.min(incoming, committed(membership.outgoingVoters(), position));
    }

    private static long committed(Collection<Member> voters, ToLongFunction<String> position) {
        if (voters.isEmpty()) {
            return Long.MAX_VALUE; // an empty side never constrains the other
        }
        long[] positions = new long[voters.size()];
        int i = 0;
        for (Member voter : voters) {
            positions[i++] = position.applyAsLong(voter.id());
        }
        Arrays.sort(positions);
        // Sorted ascending: the element at n - majority is reached by a majority of members.
        return positions[positions.length - majority(positions.length)];
    }

    /** Counts granted and rejected votes against the membership. */
    public static VoteResult tally(Membership membership, Set<String> granted, Set<String> rejected) {
        VoteResult incoming = tally(membership.voters(), granted, rejected);
        if (!membership.isJoint()) {
            return incoming;
        }
        VoteResult outgoing = tally(membership.outgoingVoters(), granted, rejected);
        if (incoming == VoteResult.LOST || outgoing == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return incoming == VoteResult.WON && outgoing == VoteResult.WON ? VoteResult.WON : VoteResult.PENDING;
    }

    private static VoteResult tally(Collection<Member> voters, Set<String> granted, Set<String> rejected) {
        if (voters.isEmpty()) {
            return VoteResult.WON;
        }
        int yes = 0;
        int no = 0;
        for (Member voter : voters) {
            if (granted.contains(voter.id())) {
                yes++;
            } else if (rejected.contains(voter.id())) {
                no++;
            }
        }
        int needed = majority(voters.size());
        if (yes >= needed) {
            return VoteResult.WON;
        }
        return voters.size() - no < needed ? VoteResult.LOST : VoteResult.PENDING;
    }

    /** Whether {@code members} contains a quorum of the membership (both sides when joint). */
    public static boolean isQuorum(Membership membership, Set<String> members) {
        return tally(membership, members, Set.of()) == VoteResult.WON;
    }
}
