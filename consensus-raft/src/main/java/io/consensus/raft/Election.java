package io.consensus.raft;

import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.core.protocol.Quorum;
import io.consensus.raft.RaftMessage.NotMember;
import io.consensus.raft.RaftMessage.VoteRequest;
import io.consensus.raft.RaftMessage.VoteResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Leader election (paper §5.2, §5.4.1) with PreVote (thesis §9.6) and the leader lease that voters
 * grant by refusing votes while they hear from a leader (thesis §4.2.3, which also makes lease reads
 * safe, §6.4.1). Joint configurations need a majority of both voter sets (paper §6).
 */
final class Election {

    private final RaftCore core;
    private final Set<String> granted = new HashSet<>();
    private final Set<String> rejected = new HashSet<>();
    private boolean preVote;
    private boolean transfer;

    Election(RaftCore core) {
        this.core = core;
    }

    /** The election timer fired on a follower or candidate: probe with pre-votes first (§9.6). */
    void onElectionTimeout() {
        if (core.promotable()) {
            campaign(true, false);
        }
    }

    /** The leader asked this member to take over (thesis §3.10): campaign at once, without pre-vote. */
    void onTimeoutNow() {
        if (core.role != RaftRole.LEADER && core.promotable()) {
            campaign(false, true);
        }
    }

    private void campaign(boolean pre, boolean forTransfer) {
        core.electionTimer.reset();
        granted.clear();
        rejected.clear();
        preVote = pre;
        transfer = forTransfer;
        long campaignTerm;
        if (pre) {
            core.becomePreCandidate();
            campaignTerm = core.term + 1;
        } else {
            core.becomeCandidate();
            campaignTerm = core.term;
        }
        granted.add(core.self);
        if (tally() == Quorum.VoteResult.WON) {
            won();
            return;
        }
        VoteRequest request = new VoteRequest(campaignTerm, core.log.lastIndex(), core.lastTerm(), pre, forTransfer);
        for (String voter : voterIds(core.membership())) {
            if (voter.equals(core.self)) {
                continue;
            }
            if (pre) {
                core.out.send(voter, request); // a pre-vote changes no durable state
            } else {
                // The self-vote must be durable before any other vote can make this member leader.
                core.out.sendAfterPersist(voter, request);
            }
        }
    }

    private void won() {
        if (preVote) {
            campaign(false, transfer);
        } else {
            core.becomeLeader();
        }
    }

    void onVoteRequest(String from, VoteRequest request) {
        Membership current = core.configs.current();
        if (current != null && current.member(from).isEmpty() && core.configs.currentIndex() <= core.commitIndex) {
            // Committed without the candidate: it was removed (or never added). Its term is not
            // adopted, so a removed member cannot disrupt the group (thesis §4.2.3).
            core.out.send(from, new NotMember(request.term(), core.configs.currentIndex()));
            return;
        }
        if (request.term() < core.term) {
            core.out.send(from, new VoteResponse(core.term, request.preVote(), false));
            return;
        }
        // Thesis §4.2.3: a member that heard from a leader within the minimum election timeout neither
        // grants nor adopts the term, unless the leader itself asked for the election (a transfer).
        boolean leaseHeld = !request.transfer() && (core.role == RaftRole.LEADER
                || (core.lastLeaderContactTick != RaftCore.NEVER
                    && core.now - core.lastLeaderContactTick < core.electionTicks));
        if (leaseHeld) {
            core.out.send(from, new VoteResponse(core.term, request.preVote(), false));
            return;
        }
        if (request.preVote()) {
            boolean grant = mayVoteFor(from, request.term()) && upToDate(request) && core.canVoteIn(request.term());
            core.out.send(from, new VoteResponse(grant ? request.term() : core.term, true, grant));
            return;
        }
        if (request.term() > core.term) {
            core.stepDownForTerm(from, request.term());
        }
        boolean grant = mayVoteFor(from, core.term) && upToDate(request) && core.canVoteIn(core.term);
        if (grant) {
            if (core.votedFor != null && !core.votedFor.equals(from)) {
                throw new IllegalStateException(core.self + " would vote twice in term " + core.term);
            }
            core.votedFor = from;
            core.persistMetadata();
            core.electionTimer.reset();
        }
        core.out.sendAfterPersist(from, new VoteResponse(core.term, false, grant)); // a vote is a promise
    }

    /** One vote per term (§5.2); while a leader is known in the term, none for anyone else (etcd raft). */
    private boolean mayVoteFor(String candidate, long electionTerm) {
        if (electionTerm > core.term) {
            return true;
        }
        return core.votedFor != null ? core.votedFor.equals(candidate) : core.leaderId == null;
    }

    /** §5.4.1: the candidate's log ends in a later term, or the same term and at least as far. */
    private boolean upToDate(VoteRequest request) {
        long lastTerm = core.lastTerm();
        return request.lastLogTerm() > lastTerm
                || (request.lastLogTerm() == lastTerm && request.lastLogIndex() >= core.log.lastIndex());
    }

    void onVoteResponse(String from, VoteResponse response) {
        boolean grantedPreVote = response.preVote() && response.granted();
        if (!grantedPreVote && response.term() > core.term) {
            core.stepDownForTerm(from, response.term()); // unsticks a pre-candidate behind in term (etcd 8243)
            return;
        }
        boolean expected = response.preVote()
                ? core.role == RaftRole.PRE_CANDIDATE && preVote && (!response.granted() || response.term() == core.term + 1)
                : core.role == RaftRole.CANDIDATE && !preVote && response.term() == core.term;
        if (!expected) {
            return;
        }
        (response.granted() ? granted : rejected).add(from);
        Quorum.VoteResult result = tally();
        if (result == Quorum.VoteResult.WON) {
            won();
        } else if (result == Quorum.VoteResult.LOST) {
            core.becomeFollower(core.term, null);
        }
    }

    /**
     * A member refused this campaign as not in its committed configuration. If that configuration is
     * at least as late as the latest this member holds, and later than what it committed, this member
     * was removed: it stops campaigning until it commits that far. Otherwise the refuser is behind
     * (this member was added after the refuser's configuration), and it counts as an ordinary refusal.
     */
    void onNotMember(String from, NotMember refusal) {
        long campaignTerm = preVote ? core.term + 1 : core.term;
        boolean campaigning = core.role == RaftRole.PRE_CANDIDATE || core.role == RaftRole.CANDIDATE;
        if (!campaigning || refusal.term() != campaignTerm) {
            return;
        }
        if (refusal.configIndex() > core.commitIndex && refusal.configIndex() >= core.configs.currentIndex()) {
            core.removedIn = Math.max(core.removedIn, refusal.configIndex());
            core.becomeFollower(core.term, null);
            return;
        }
        rejected.add(from);
        if (tally() == Quorum.VoteResult.LOST) {
            core.becomeFollower(core.term, null);
        }
    }

    private Quorum.VoteResult tally() {
        return Quorum.tally(core.membership(), granted, rejected);
    }

    static SortedSet<String> voterIds(Membership membership) {
        SortedSet<String> ids = new TreeSet<>();
        for (Member member : membership.voters()) {
            ids.add(member.id());
        }
        for (Member member : membership.outgoingVoters()) {
            ids.add(member.id());
        }
        return ids;
    }
}
