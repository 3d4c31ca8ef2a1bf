package io.consensus.paxos;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.MembershipChange;
import io.consensus.api.RejectedException.Reason;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.core.protocol.MemberSets;
import io.consensus.core.protocol.MembershipCodec;
import io.consensus.paxos.PaxosMessage.TimeoutNow;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A leader's membership changes and leadership transfers, one at a time.
 *
 * <p>Changes go through the log: one voter at a time (or a learner change); the configuration
 * proposed in slot {@code j} governs the slots after {@code j}, and the leader proposes nothing after
 * {@code j} until {@code j} is chosen (docs/paxos.md, "Reconfiguration"). A transfer (Raft thesis
 * §3.10) stops new proposals, waits until the target has learnt everything proposed, then asks it to
 * run phase 1 at once.
 */
final class LeaderRequests {

    private final PaxosCore core;
    private final Leader leader;

    private long changeRequest = -1;
    private long changeSlot = -1;

    private String transferTarget;
    private long transferRequest;
    private long transferStartTick;
    private boolean timeoutNowSent;
    /** Once it asked a member to take over it serves no lease read: that member skips the leases. */
    boolean everSentTimeoutNow;

    LeaderRequests(PaxosCore core, Leader leader) {
        this.core = core;
        this.leader = leader;
    }

    boolean transferring() {
        return transferTarget != null;
    }

    /** Whether no membership change or transfer is in progress. */
    boolean idle() {
        return changeRequest < 0 && transferTarget == null;
    }

    void changeMembership(long requestId, MembershipChange change) {
        if (!leader.reads.established()) {
            fail(requestId, Reason.NO_LEADER, "the leader has not yet re-proposed what its predecessors accepted");
            return;
        }
        if (changeRequest >= 0 || leader.configPending() || transferTarget != null) {
            fail(requestId, Reason.INVALID, "a membership change or transfer is in progress");
            return;
        }
        Membership current = core.configs.at(core.commitIndex + 1);
        TreeSet<Member> voters = new TreeSet<>(current.voters());
        TreeSet<Member> learners = new TreeSet<>(current.learners());
        if (change instanceof MembershipChange.AddVoter c) {
            if (current.isVoter(c.member().id())) {
                core.out.outcome(RequestOutcome.ok(requestId));
                return;
            }
            learners.removeIf(m -> m.id().equals(c.member().id()));
            voters.add(c.member());
        } else if (change instanceof MembershipChange.AddLearner c) {
            if (current.isLearner(c.member().id())) {
                core.out.outcome(RequestOutcome.ok(requestId));
                return;
            }
            if (current.member(c.member().id()).isPresent()) {
                fail(requestId, Reason.INVALID, c.member().id() + " is already a voter");
                return;
            }
            learners.add(c.member());
        } else if (change instanceof MembershipChange.Promote c) {
            Member learner = current.learners().stream().filter(m -> m.id().equals(c.memberId())).findFirst().orElse(null);
            if (learner == null) {
                fail(requestId, Reason.INVALID, c.memberId() + " is not a learner");
                return;
            }
            // Caught up means it has learnt every slot this leader knows chosen, and has rejoined (a heartbeat
            // found it holding all the round carried): one that has not may not promise yet, and a
            // configuration whose quorums need it could never elect a leader.
            Peer peer = leader.peers.get(c.memberId());
            if (peer == null || peer.commit < core.commitIndex || !peer.caughtUpAtHeartbeat) {
                fail(requestId, Reason.INVALID, c.memberId() + " has not caught up yet");
                return;
            }
            learners.remove(learner);
            voters.add(learner);
        } else if (change instanceof MembershipChange.Remove c) {
            if (current.member(c.memberId()).isEmpty()) {
                fail(requestId, Reason.INVALID, c.memberId() + " is not a member");
                return;
            }
            if (current.isVoter(c.memberId()) && voters.size() == 1) {
                fail(requestId, Reason.INVALID, "cannot remove the last voter");
                return;
            }
            voters.removeIf(m -> m.id().equals(c.memberId()));
            learners.removeIf(m -> m.id().equals(c.memberId()));
        } else if (change instanceof MembershipChange.ChangeAddress c) {
            if (!MemberSets.move(voters, learners, c.member())) {
                fail(requestId, Reason.INVALID, c.member().id() + " is not a member");
                return;
            }
        } else {
            fail(requestId, Reason.INVALID, "unknown change " + change);
            return;
        }
        if (voters.size() > Ballot.MAX_ORDINAL) {
            fail(requestId, Reason.INVALID, "at most " + Ballot.MAX_ORDINAL + " voters");
            return;
        }
        Membership next = new Membership(voters, learners, new TreeSet<>());
        if (!leader.propose(EntryKind.CONFIG, MembershipCodec.encode(next), requestId)) {
            fail(requestId, Reason.BACKPRESSURE, "too many proposals queued");
            return;
        }
        changeRequest = requestId;
    }

    /** The requested configuration was given {@code slot}. */
    void proposedIn(long slot) {
        changeSlot = slot;
    }

    /** The configuration in {@code slot} is chosen: the change it carried succeeded. */
    void chosen(long slot) {
        if (slot == changeSlot && changeRequest >= 0) {
            core.out.outcome(RequestOutcome.ok(changeRequest));
            changeRequest = -1;
            changeSlot = -1;
        }
    }

    void transfer(long requestId, String targetId) {
        if (transferTarget != null) {
            fail(requestId, Reason.INVALID, "a transfer to " + transferTarget + " is in progress");
            return;
        }
        if (targetId.equals(core.self)) {
            core.out.outcome(RequestOutcome.ok(requestId));
            return;
        }
        SortedSet<Member> voters = core.configs.at(core.commitIndex + 1).voters();
        if (voters.stream().noneMatch(m -> m.id().equals(targetId)) || changeRequest >= 0) {
            fail(requestId, Reason.INVALID, targetId + " is not a voter, or a membership change is in progress");
            return;
        }
        transferTarget = targetId;
        transferRequest = requestId;
        transferStartTick = core.now;
        timeoutNowSent = false;
    }

    /** Once the target has learnt every slot this leader proposed, it is asked to run phase 1 now. */
    void flush() {
        if (transferTarget == null || timeoutNowSent) {
            return;
        }
        Peer target = leader.peers.get(transferTarget);
        if (target == null || target.removedIn > 0) {
            finishTransfer(RequestOutcome.failed(transferRequest, Reason.INVALID, transferTarget + " left the group"));
            return;
        }
        if (leader.allChosen() && target.commit >= leader.nextSlot - 1) {
            core.out.send(transferTarget, new TimeoutNow(leader.ballot));
            timeoutNowSent = true;
            everSentTimeoutNow = true;
        }
    }

    void tick() {
        if (transferTarget != null && core.now - transferStartTick >= core.electionTicks) {
            finishTransfer(RequestOutcome.failed(transferRequest, Reason.NO_LEADER, "leadership transfer to "
                    + transferTarget + " did not complete within an election timeout"));
        }
    }

    /**
     * Leadership ended: a transfer to {@code supersededBy} succeeded, another failed. A pending change
     * was proposed, so a later leader may still choose it: it is not refused (a refusal promises it
     * never takes effect) but left unanswered, and the runtime's deadline reports it as unknown.
     */
    void stepDown(String supersededBy, String detail) {
        changeRequest = -1;
        if (transferTarget != null) {
            finishTransfer(transferTarget.equals(supersededBy) ? RequestOutcome.ok(transferRequest)
                    : RequestOutcome.failed(transferRequest, Reason.NO_LEADER, detail));
        }
    }

    private void finishTransfer(RequestOutcome outcome) {
        core.out.outcome(outcome);
        transferTarget = null;
    }

    private void fail(long requestId, Reason reason, String detail) {
        core.out.outcome(RequestOutcome.failed(requestId, reason, detail));
    }
}
