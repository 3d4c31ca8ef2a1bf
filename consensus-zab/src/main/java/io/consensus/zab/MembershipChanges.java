package io.consensus.zab;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.RejectedException.Reason;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.core.protocol.MemberSets;
import io.consensus.core.protocol.MembershipCodec;
import io.consensus.core.protocol.Quorum;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Reconfiguration through the broadcast: the leader proposes the new configuration as a CONFIG
 * transaction, which governs quorums from the moment it is in a log (as ZooKeeper's reconfig
 * proposal does), one change of one member at a time, so any quorum of the old configuration meets
 * any quorum of the new one, and only if a quorum of the new one counts now; the request completes
 * when the transaction commits. A leader whose own removal commits steps down.
 */
final class MembershipChanges {

    private final ZabCore core;
    private final Leader leader;
    private long pendingRequestId = -1;
    private long pendingIndex = -1;
    private boolean removedSelf;

    MembershipChanges(ZabCore core, Leader leader) {
        this.core = core;
        this.leader = leader;
    }

    void request(long requestId, MembershipChange change) {
        if (!leader.established()) {
            fail(requestId, Reason.NO_LEADER, "leadership of " + core.self + " is not established yet");
            return;
        }
        if (inProgress()) {
            fail(requestId, Reason.INVALID, "another membership change is in progress");
            return;
        }
        if (core.transferring()) {
            fail(requestId, Reason.INVALID, "a leadership transfer to " + core.transfer.target + " is in progress");
            return;
        }
        Membership current = core.membership();
        Membership next;
        try {
            next = apply(current, change);
        } catch (IllegalArgumentException e) {
            fail(requestId, Reason.INVALID, e.getMessage());
            return;
        }
        // Sets of members compare ids only: an address change is a change although they are equal.
        if (next.equals(current) && !(change instanceof MembershipChange.ChangeAddress)) {
            core.out.outcome(RequestOutcome.ok(requestId));
            return;
        }
        if (!Quorum.isQuorum(next, leader.countingNow(next)) && Quorum.isQuorum(next, leader.synchronizedNow(next))) {
            // Only members brought up to date in this epoch are missing, and they count from the next
            // epoch on: without one, promoting a new member of a healthy group would wait for a failure.
            // Start it now; the change was not appended, so the caller may simply retry.
            fail(requestId, Reason.NO_LEADER, "members brought up to date in epoch " + leader.epoch
                    + " count only from the next epoch; " + core.self + " is starting it, retry the change");
            core.lookForLeader("a membership change waits for members that count only from the next epoch");
            return;
        }
        if (!Quorum.isQuorum(next, leader.countingNow(next))) {
            // The transaction governs from the moment it is appended: without such a quorum it could not
            // commit, and a member that does not count yet (added empty, joined in this epoch) might
            // never get to count, since that needs a leader established without it.
            fail(requestId, Reason.INVALID, "the new configuration has no quorum of synchronized members that"
                    + " count in this epoch; add members as learners and promote them once caught up");
            return;
        }
        pendingRequestId = requestId;
        pendingIndex = leader.append(EntryKind.CONFIG, MembershipCodec.encode(next));
    }

    /** The new configuration, or IllegalArgumentException saying why the change is refused. */
    static Membership apply(Membership current, MembershipChange change) {
        SortedSet<Member> voters = new TreeSet<>(current.voters());
        SortedSet<Member> learners = new TreeSet<>(current.learners());
        if (change instanceof MembershipChange.AddVoter c) {
            learners.removeIf(m -> m.id().equals(c.member().id()));
            voters.removeIf(m -> m.id().equals(c.member().id()));
            voters.add(c.member());
        } else if (change instanceof MembershipChange.AddLearner c) {
            if (current.isVoter(c.member().id())) {
                throw new IllegalArgumentException(c.member().id() + " is already a voter");
            }
            learners.removeIf(m -> m.id().equals(c.member().id()));
            learners.add(c.member());
        } else if (change instanceof MembershipChange.Promote c) {
            Optional<Member> learner = current.learners().stream().filter(m -> m.id().equals(c.memberId())).findFirst();
            if (learner.isEmpty()) {
                if (current.isVoter(c.memberId())) {
                    return current;
                }
                throw new IllegalArgumentException(c.memberId() + " is not a learner");
            }
            learners.remove(learner.get());
            voters.add(learner.get());
        } else if (change instanceof MembershipChange.Remove c) {
            boolean removed = voters.removeIf(m -> m.id().equals(c.memberId()))
                    | learners.removeIf(m -> m.id().equals(c.memberId()));
            if (!removed) {
                throw new IllegalArgumentException(c.memberId() + " is not a member");
            }
            if (voters.isEmpty()) {
                throw new IllegalArgumentException("removing " + c.memberId() + " would leave no voter");
            }
        } else if (change instanceof MembershipChange.ChangeAddress c) {
            if (!MemberSets.move(voters, learners, c.member())) {
                throw new IllegalArgumentException(c.member().id() + " is not a member");
            }
        } else {
            throw new IllegalArgumentException("unknown membership change " + change);
        }
        return new Membership(voters, learners, new TreeSet<>());
    }

    /** Whether a change was asked for or its transaction is not committed yet. */
    boolean inProgress() {
        return pendingIndex >= 0 || core.configs.currentIndex() > core.commitIndex;
    }

    /** Completes the pending change once its transaction is committed. */
    void onCommitted() {
        if (pendingIndex >= 0 && core.commitIndex >= pendingIndex) {
            core.out.outcome(RequestOutcome.ok(pendingRequestId));
            pendingIndex = -1;
            pendingRequestId = -1;
        }
        if (!core.isVoter(core.self) && core.configs.currentIndex() <= core.commitIndex) {
            removedSelf = true;
        }
    }

    /** Whether this leader's removal committed: it proposes nothing more and steps down. */
    boolean removedSelf() {
        return removedSelf;
    }

    /**
     * Leadership ended with a change in flight. Its transaction may be in a quorum's logs and commit
     * under the next leader, so it is not answered: a refusal would tell the caller it was not
     * applied. The runtime reports it as timed out, the API's "outcome unknown".
     */
    void abandon() {
        pendingRequestId = -1;
        pendingIndex = -1;
    }

    private void fail(long requestId, Reason reason, String detail) {
        core.out.outcome(RequestOutcome.failed(requestId, reason, detail));
    }
}
