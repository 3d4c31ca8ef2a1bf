package io.consensus.zab;

import io.consensus.core.protocol.Quorum;
import io.consensus.zab.ZabMessage.Notification;
import io.consensus.zab.ZabMessage.PeerState;
import io.consensus.zab.ZabMessage.Vote;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Fast Leader Election in the style of ZooKeeper's {@code FastLeaderElection}: every looking voter
 * proposes the best vote it knows, ordered by (current epoch, last zxid, member id), and adopts better
 * votes it hears of in its round; once a quorum agrees (and a short wait brings nothing better) it
 * leads or follows. A looking member that hears of a leader from the leader itself joins it; a
 * member that others still follow but that is looking again does not lead on their word alone (its
 * followers time out and vote afresh, which lets a more recent history win).
 *
 * <p>Who votes is each member's own view, which a reconfiguration it has not received yet can make
 * wrong, so votes count by the receiver's configuration: a member that may lead (a voter of its
 * configuration; see {@link ZabCore#mayLead}) proposes itself; any other member brought up to date
 * once backs the best vote it hears, since a leader-to-be whose configuration already made it a voter
 * needs its vote; and every member adopts a better vote from anyone who votes.
 *
 * <p>The election only picks a likely leader: safety rests on discovery, where the prospective
 * leader gives up if a follower's history is more recent than its own (paper §IV-A).
 */
final class Election {

    private final ZabCore core;
    /** The logical clock: rounds order elections; a notification of a later round restarts ours. */
    long round;
    /** This member's vote; null until it backs one when it may not lead, and always for an unjoined fresh member. */
    private Vote vote;
    /** Votes of this round, by voter. */
    private final Map<String, Vote> votes = new TreeMap<>();
    /** Reported leaders asked in this notification interval (asking again could loop without time passing). */
    private final Set<String> asked = new TreeSet<>();
    private long agreedSince = ZabCore.NEVER;
    private int sinceBroadcast;

    Election(ZabCore core) {
        this.core = core;
    }

    /** Starts a new round: vote for ourselves and tell everyone. */
    void start() {
        round++;
        votes.clear();
        agreedSince = ZabCore.NEVER;
        vote = core.mayLead() ? core.selfVote() : null;
        if (vote != null) {
            votes.put(core.self, vote);
        }
        broadcast();
        checkAgreement();
    }

    void tick() {
        if (++sinceBroadcast >= core.heartbeatTicks) {
            broadcast(); // notifications may be lost: repeat them
        }
        checkAgreement();
    }

    Notification notification() {
        Vote shown = vote != null ? vote : core.selfVote();
        return new Notification(round, PeerState.LOOKING, vote != null, shown, core.meta.acceptedEpoch());
    }

    private void broadcast() {
        sinceBroadcast = 0;
        asked.clear();
        Notification notification = notification();
        for (String id : core.contacts()) {
            core.out.send(id, notification);
        }
    }

    void onNotification(String from, Notification n) {
        if (n.state() == PeerState.LOOKING) {
            onLooking(from, n);
        } else {
            onSettled(from, n);
        }
    }

    private void onLooking(String from, Notification n) {
        if (!n.participant()) {
            return; // it looks for a leader too; we know none
        }
        if (n.round() > round || vote == null && n.round() != round && core.meta.joined()) {
            // A later round restarts ours; a member that backs no vote yet has no round worth keeping,
            // and staying alone in a later one, it would be ignored by everyone.
            round = n.round();
            votes.clear();
            agreedSince = ZabCore.NEVER;
            vote = core.mayLead() ? core.selfVote() : null;
            if (vote != null) {
                votes.put(core.self, vote);
            }
            votes.put(from, n.vote());
            consider(n.vote());
            broadcast();
        } else if (n.round() == round) {
            votes.put(from, n.vote());
            if (consider(n.vote())) {
                broadcast();
            }
        } else {
            core.out.send(from, notification()); // it lags behind: tell it our round
            return;
        }
        checkAgreement();
    }

    /** Adopts {@code candidate} if it beats our vote (or we back none yet and may vote); whether it did. */
    private boolean consider(Vote candidate) {
        if (!core.meta.joined() || vote != null && candidate.compareTo(vote) <= 0) {
            return false;
        }
        vote = candidate;
        votes.put(core.self, vote);
        agreedSince = ZabCore.NEVER;
        return true;
    }

    private void onSettled(String from, Notification n) {
        String leader = n.vote().leader();
        if (n.state() == PeerState.LEADING && leader.equals(from)) {
            if (n.acceptedEpoch() >= core.meta.acceptedEpoch()) {
                core.follow(from); // an established or prospective leader: connect (phase 1 decides)
            }
            return;
        }
        if (!leader.equals(core.self) && asked.add(leader)) {
            core.out.send(leader, notification()); // ask the leader itself; it answers LEADING
        }
    }

    /** Decides once a quorum of this round's votes names our candidate and nothing better came for a while. */
    private void checkAgreement() {
        if (vote == null || core.role != ZabCore.ZabRole.LOOKING
                || vote.leader().equals(core.self) && !core.mayLead()) {
            return; // no vote, already decided, or backed for leading by others while it may not lead
        }
        Set<String> agreeing = new TreeSet<>();
        votes.forEach((member, v) -> {
            if (v.leader().equals(vote.leader()) && core.isVoter(member)) {
                agreeing.add(member);
            }
        });
        if (!Quorum.isQuorum(core.membership(), agreeing)) {
            agreedSince = ZabCore.NEVER;
            return;
        }
        if (agreedSince == ZabCore.NEVER) {
            agreedSince = core.now;
        }
        if (core.now - agreedSince >= finalizeTicks()) {
            if (vote.leader().equals(core.self)) {
                core.lead();
            } else {
                core.follow(vote.leader());
            }
        }
    }

    /** FLE's finalize wait: how long an agreed vote must stand before it is acted on. */
    private int finalizeTicks() {
        return Math.max(1, core.heartbeatTicks / 2);
    }

    @Override
    public String toString() {
        return "round " + round + " vote " + vote;
    }
}
