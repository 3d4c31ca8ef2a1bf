package io.consensus.raft;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.RejectedException.Reason;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.core.protocol.MemberSets;
import io.consensus.core.protocol.MembershipCodec;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Membership changes by joint consensus (paper §6, thesis §4.3): the leader appends C_old,new (voters =
 * new, outgoing = old), which takes effect at once; once it commits, C_new; the request succeeds when
 * C_new commits. Learner-only changes do not alter the voters and go straight to the final
 * configuration. One change at a time. A new leader that inherits a committed joint configuration
 * finishes it.
 */
final class MembershipChanges {

    private final RaftCore core;
    private final LeaderState leader;
    private boolean pending;
    private long requestId;
    /** The index of the final configuration of the pending request, once appended. */
    private long finalIndex = -1;

    MembershipChanges(RaftCore core, LeaderState leader) {
        this.core = core;
        this.leader = leader;
    }

    /** Whether no change is pending and the configuration is not joint. */
    boolean idle() {
        return !pending && !core.membership().isJoint() && core.configs.currentIndex() <= core.commitIndex;
    }

    void request(long id, MembershipChange change) {
        Membership current = core.membership();
        if (pending || current.isJoint() || core.configs.currentIndex() > core.commitIndex) {
            fail(id, Reason.INVALID, "a membership change is in progress");
            return;
        }
        if (!leader.established()) {
            fail(id, Reason.NO_LEADER, "the leader has not yet committed an entry of its term");
            return;
        }
        TreeSet<Member> voters = new TreeSet<>(current.voters());
        TreeSet<Member> learners = new TreeSet<>(current.learners());
        String error = apply(change, current, voters, learners);
        if (error != null) {
            fail(id, Reason.INVALID, error);
            return;
        }
        // Compared member by member, addresses included (sets compare ids only): a move is a change.
        if (java.util.List.copyOf(voters).equals(java.util.List.copyOf(current.voters()))
                && java.util.List.copyOf(learners).equals(java.util.List.copyOf(current.learners()))) {
            core.out.outcome(RequestOutcome.ok(id)); // already so
            return;
        }
        pending = true;
        requestId = id;
        if (ids(voters).equals(ids(current.voters()))) {
            finalIndex = append(new Membership(voters, learners, new TreeSet<>()));
        } else {
            finalIndex = -1;
            append(new Membership(voters, learners, current.voters()));
        }
    }

    /** Edits the sets; returns why the change is invalid, or null. */
    private String apply(MembershipChange change, Membership current, TreeSet<Member> voters, TreeSet<Member> learners) {
        if (change instanceof MembershipChange.AddVoter add) {
            removeId(learners, add.member().id());
            removeId(voters, add.member().id());
            voters.add(add.member());
        } else if (change instanceof MembershipChange.AddLearner add) {
            if (current.isVoter(add.member().id())) {
                return add.member().id() + " is a voter; remove it first to make it a learner";
            }
            removeId(learners, add.member().id());
            learners.add(add.member());
        } else if (change instanceof MembershipChange.Promote promote) {
            String id = promote.memberId();
            if (!current.isLearner(id)) {
                return id + " is not a learner";
            }
            Peer peer = leader.peer(id);
            long match = peer == null ? 0 : peer.progress.matchIndex();
            if (match < core.commitIndex) {
                return "learner " + id + " is not caught up (holds " + match + " of " + core.commitIndex + " committed)";
            }
            Member member = current.member(id).orElseThrow();
            removeId(learners, id);
            voters.add(member);
        } else if (change instanceof MembershipChange.Remove remove) {
            String id = remove.memberId();
            if (current.member(id).isEmpty()) {
                return id + " is not a member";
            }
            removeId(learners, id);
            removeId(voters, id);
            if (voters.isEmpty()) {
                return "removing " + id + " would leave no voter";
            }
        } else if (change instanceof MembershipChange.ChangeAddress move) {
            if (!MemberSets.move(voters, learners, move.member())) {
                return move.member().id() + " is not a member";
            }
        } else {
            return "unknown change " + change;
        }
        return null;
    }

    private long append(Membership membership) {
        return leader.append(EntryKind.CONFIG, MembershipCodec.encode(membership));
    }

    /**
     * The commit index advanced. Returns true when this leader must step down: the final configuration
     * without it committed (thesis §4.2.2).
     */
    boolean onCommitted() {
        if (core.configs.currentIndex() > core.commitIndex) {
            return false; // the latest configuration is not committed yet
        }
        Membership current = core.membership();
        if (current.isJoint()) {
            long index = append(new Membership(current.voters(), current.learners(), new TreeSet<>()));
            if (pending) {
                finalIndex = index;
            }
            return false;
        }
        if (pending && finalIndex >= 0 && finalIndex <= core.commitIndex) {
            pending = false;
            core.out.outcome(RequestOutcome.ok(requestId));
        }
        leader.prunePeers(current);
        return !current.isVoter(core.self);
    }

    /**
     * Leadership ended. A pending change was appended, so a later leader may still commit it: it is
     * not refused (a refusal promises it never takes effect) but left unanswered, and the runtime's
     * deadline reports its outcome as unknown.
     */
    void abandonPending() {
        pending = false;
    }

    private void fail(long id, Reason reason, String detail) {
        core.out.outcome(RequestOutcome.failed(id, reason, detail));
    }

    private static void removeId(SortedSet<Member> members, String id) {
        members.removeIf(member -> member.id().equals(id));
    }

    private static SortedSet<String> ids(SortedSet<Member> members) {
        SortedSet<String> ids = new TreeSet<>();
        members.forEach(member -> ids.add(member.id()));
        return ids;
    }
}
