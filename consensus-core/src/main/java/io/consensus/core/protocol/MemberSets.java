package io.consensus.core.protocol;

import io.consensus.api.Member;
import java.util.SortedSet;

/** Edits of a configuration's member sets that every protocol's membership changes share. */
public final class MemberSets {

    private MemberSets() {}

    /**
     * {@link io.consensus.api.MembershipChange.ChangeAddress}: replaces the member with {@code moved}'s
     * id by {@code moved}, in whichever set holds it, so its role and every quorum stay the same.
     *
     * @return false if neither set holds that id
     */
    public static boolean move(SortedSet<Member> voters, SortedSet<Member> learners, Member moved) {
        // The sets order members by id, so the old entry must go before the new one can be added.
        SortedSet<Member> holder = voters.removeIf(m -> m.id().equals(moved.id())) ? voters
                : learners.removeIf(m -> m.id().equals(moved.id())) ? learners : null;
        if (holder == null) {
            return false;
        }
        holder.add(moved);
        return true;
    }
}
