package io.consensus.api;

import java.util.List;

/**
 * A snapshot of one member's view of its group.
 *
 * @param groupId      the group
 * @param memberId     this member
 * @param protocol     {@code raft}, {@code paxos} or {@code zab}
 * @param role         this member's role
 * @param leaderId     the leader this member believes in, or null if none is known
 * @param era          a monotonic number that grows with every leadership: the Raft term, the
 *                     Paxos ballot round or the Zab epoch. Usable as a fencing token.
 * @param eraDetail    the protocol's own rendering of its era, e.g. {@code ballot 7.n2} or
 *                     {@code zxid 0x300000012}
 * @param commitIndex  highest native log position known committed
 * @param appliedIndex the library's count of commands applied (see {@link StateMachine#apply})
 * @param membership   the configuration in effect
 * @param followers    per-follower progress when this member leads, else empty
 * @param quiescent    whether the group sleeps here: idle, not ticked, its leader not heartbeating
 *                     until the next request or message (see {@link ConsensusConfig#quiesce()})
 */
public record GroupStatus(
        String groupId,
        String memberId,
        String protocol,
        Role role,
        String leaderId,
        long era,
        String eraDetail,
        long commitIndex,
        long appliedIndex,
        Membership membership,
        List<FollowerProgress> followers,
        boolean quiescent) {

    public GroupStatus {
        followers = List.copyOf(followers);
    }

    /** Whether this member is the leader. */
    public boolean isLeader() {
        return role == Role.LEADER;
    }
}
