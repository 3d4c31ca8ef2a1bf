package io.consensus.raft;

import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.ProtocolMessage;
import java.util.List;

/**
 * The messages Raft members exchange. The sender is not a field: the runtime's envelope carries it
 * and hands it to {@link io.consensus.api.spi.ProtocolCore#receive}. Every message carries the
 * sender's term (Raft paper §5.1: a member that sees a higher term adopts it; a stale one is refused).
 */
public sealed interface RaftMessage extends ProtocolMessage {

    /** The sender's current term (or, for a pre-vote, the term it would campaign in). */
    long term();

    /**
     * RequestVote (paper §5.2, Figure 2) or its pre-vote probe (thesis §9.6).
     *
     * @param term          the term the candidate is (or would be, when {@code preVote}) campaigning in
     * @param lastLogIndex  the index of the candidate's last entry
     * @param lastLogTerm   the term of the candidate's last entry (§5.4.1 up-to-date check)
     * @param preVote       a probe that changes no state at the receiver
     * @param transfer      sent because the leader asked (TimeoutNow, thesis §3.10): voters ignore their
     *                      leader lease (thesis §4.2.3) for it
     */
    record VoteRequest(long term, long lastLogIndex, long lastLogTerm, boolean preVote, boolean transfer)
            implements RaftMessage {}

    /**
     * The answer to a {@link VoteRequest}.
     *
     * @param term    the voter's term, or the request's term for a granted pre-vote
     * @param preVote whether it answers a pre-vote
     * @param granted whether the vote (or pre-vote) is given
     */
    record VoteResponse(long term, boolean preVote, boolean granted) implements RaftMessage {}

    /**
     * AppendEntries (paper §5.3, Figure 2), carrying a batch of entries.
     *
     * @param term         the leader's term
     * @param prevLogIndex the index of the entry just before {@code entries}
     * @param prevLogTerm  the term of that entry
     * @param entries      consecutive entries from {@code prevLogIndex + 1}; empty for a probe
     * @param leaderCommit the leader's commit index
     */
    record AppendEntries(long term, long prevLogIndex, long prevLogTerm, List<LogEntry> entries, long leaderCommit)
            implements RaftMessage {
        public AppendEntries {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The answer to {@link AppendEntries}. A rejection carries the hints of thesis §5.3 ("fast
     * backtracking"): the follower's term at {@code index} and the first index it holds of that term.
     *
     * @param term          the follower's term
     * @param success       whether the entries were stored
     * @param index         on success the last index now known to match the leader's log; on failure
     *                      the {@code prevLogIndex} that did not match
     * @param conflictTerm  on failure the follower's term at {@code index}, or 0 if it has no entry there
     * @param conflictIndex on failure the first index the leader should try next from the follower's view
     */
    record AppendResponse(long term, boolean success, long index, long conflictTerm, long conflictIndex)
            implements RaftMessage {}

    /**
     * A heartbeat: keeps followers from campaigning, tells them what is committed, and is one round
     * of ReadIndex / lease confirmation (thesis §6.4).
     *
     * @param term   the leader's term
     * @param commit the leader's commit index capped at what the follower is known to hold
     * @param seq    the round number the follower echoes
     */
    record Heartbeat(long term, long commit, long seq) implements RaftMessage {}

    /**
     * The answer to a {@link Heartbeat}.
     *
     * @param term the follower's term
     * @param seq  the round number acknowledged
     */
    record HeartbeatResponse(long term, long seq) implements RaftMessage {}

    /**
     * The leader has nothing in flight and every member holds its whole log, all committed: stop
     * ticking until the next message (quiescence). A member whose log is not exactly that answers
     * with a {@link HeartbeatResponse} of round 0, which wakes the leader to catch it up.
     *
     * @param term   the leader's term
     * @param commit the leader's commit index, which is also its last index
     */
    record Quiesce(long term, long commit) implements RaftMessage {}

    /**
     * Refuses a vote request because the sender's configuration, committed at {@code configIndex},
     * does not count the candidate. A candidate that has not committed that far was removed and
     * stops campaigning until it has: without this, a removed member left running campaigns every
     * election timeout forever, and wakes every quiescent group each time.
     *
     * @param term        the term of the refused request, to match it to the campaign
     * @param configIndex the index of the sender's committed configuration entry
     */
    record NotMember(long term, long configIndex) implements RaftMessage {}

    /**
     * Tells the transfer target to campaign at once, skipping pre-vote (thesis §3.10).
     *
     * @param term the leader's term
     */
    record TimeoutNow(long term) implements RaftMessage {}

    /**
     * A follower installed the leader's snapshot and now holds everything up to {@code index}.
     *
     * @param term  the follower's term
     * @param index the snapshot's last index
     */
    record SnapshotAck(long term, long index) implements RaftMessage {}
}
