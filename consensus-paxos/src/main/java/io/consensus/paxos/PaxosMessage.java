package io.consensus.paxos;

import io.consensus.api.Membership;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.ProtocolMessage;
import java.util.List;

/**
 * The messages of Multi-Paxos (Paxos Made Simple §2.2 and §3; Paxos Made Live §4). Every message
 * carries the sender's ballot. Slots are log indexes; an entry's era is the ballot it was accepted in.
 */
public sealed interface PaxosMessage extends ProtocolMessage {

    /** The ballot this message is about. */
    long ballot();

    /**
     * Phase 1a, once for all slots from {@code fromSlot} on (Paxos Made Simple §3).
     *
     * @param transferFrom the ballot of the leader that asked this member to take over, or
     *                     {@link Ballot#NONE}; acceptors following that ballot answer at once
     *                     instead of waiting out the leader's lease
     * @param probe        only asks whether the acceptor would promise, changing nothing (answered by
     *                     {@link ProbeGranted} or {@link Nack}): a member cut off from the leader
     *                     does not raise any promise, its own included, unless it could win
     *                     (Raft's PreVote, thesis §9.6, applied to phase 1)
     */
    record Prepare(long ballot, long fromSlot, long transferFrom, boolean probe) implements PaxosMessage {}

    /** The acceptor would promise {@code ballot} (answer to a probe). */
    record ProbeGranted(long ballot) implements PaxosMessage {}

    /**
     * Phase 1b, one chunk of it: the acceptor promised {@code ballot} and reports what it accepted in
     * slots {@code [chunkFrom, chunkTo]} (slots without an entry are holes). Chunks of one promise
     * follow each other from {@code fromSlot}; the one with {@code last} ends at the acceptor's last
     * slot.
     *
     * @param commit           the acceptor's known-chosen prefix: its entries up to here are chosen
     * @param compactedThrough slots in {@code [fromSlot, compactedThrough]} are chosen but compacted
     *                         into the acceptor's snapshot and not reported ({@code fromSlot - 1} if none)
     * @param forgotThrough    the acceptor may have accepted values in slots up to here and forgotten
     *                         them (its log was emptied under a snapshot), so this report may miss some;
     *                         0 if it forgot nothing at or above {@code fromSlot}
     */
    record Promise(long ballot, long fromSlot, long commit, long compactedThrough, long forgotThrough, long chunkFrom,
                   long chunkTo, boolean last, List<LogEntry> entries) implements PaxosMessage {
        public Promise {
            entries = List.copyOf(entries);
        }
    }

    /** A refusal of {@code ballot} (a Prepare, Accept or Heartbeat); {@code promised} is what the sender promised. */
    record Nack(long ballot, long promised) implements PaxosMessage {}

    /**
     * A refusal of the Prepare of {@code ballot} from a member the sender knows is not in the group:
     * the configuration chosen in {@code configSlot}, which governs the sender's next slot, does not
     * count it. A member that has not learnt that slot itself stops campaigning until it has: removed
     * while cut off, it never hears of its removal from a leader (leaders talk only to members), and
     * would otherwise campaign, waking a quiescent group each time, until it is shut down.
     */
    record NotMember(long ballot, long configSlot) implements PaxosMessage {}

    /**
     * Phase 2a for a run of slots (pipelined, each slot's value a batch of commands), with the
     * leader's known-chosen prefix (a Commit, Paxos Made Live §4.2's "catch-up" and learning).
     * Every entry's era is {@code ballot}.
     */
    record Accept(long ballot, long commit, List<LogEntry> entries) implements PaxosMessage {
        public Accept {
            entries = List.copyOf(entries);
        }
    }

    /** Phase 2b: the acceptor accepted slots {@code [fromSlot, toSlot]} (none if {@code toSlot < fromSlot}). */
    record Accepted(long ballot, long fromSlot, long toSlot, long commit) implements PaxosMessage {}

    /** The leader is alive and has learnt slots up to {@code commit} as chosen; {@code seq} numbers the round. */
    record Heartbeat(long ballot, long commit, long seq) implements PaxosMessage {}

    /** The acceptor still follows {@code ballot}; {@code commit} is its known-chosen prefix. */
    record HeartbeatAck(long ballot, long seq, long commit) implements PaxosMessage {}

    /**
     * Chosen values for a lagging replica, contiguous from its known-chosen prefix on, with the
     * configuration governing the first of them (chosen in {@code configSlot}, 0 for the bootstrap one),
     * which a member that lost its disk has no other way to know; {@code config} is null when the
     * leader does not know it precisely (the first slot is at or below its own snapshot).
     */
    record Learn(long ballot, long configSlot, Membership config, List<LogEntry> entries) implements PaxosMessage {
        public Learn {
            entries = List.copyOf(entries);
        }
    }

    /** The replica's known-chosen prefix after a Learn or a snapshot, or in answer to a {@link Quiesce}. */
    record Learned(long ballot, long commit) implements PaxosMessage {}

    /**
     * The leader of {@code ballot} has every slot it proposed chosen and every member has learnt them:
     * stop ticking until the next message (quiescence, see {@code ProtocolCore.quiescent()}). A member
     * that has not learnt every slot up to {@code commit}, or holds a later slot of this ballot, answers
     * with {@link Learned}, which wakes the leader to catch it up; the others do not answer.
     *
     * @param commit the leader's known-chosen prefix, which is also the last slot it proposed
     */
    record Quiesce(long ballot, long commit) implements PaxosMessage {}

    /** The leader of {@code ballot} asks the receiver to run phase 1 now (leadership transfer). */
    record TimeoutNow(long ballot) implements PaxosMessage {}

    /**
     * A candidate found slots it must recover compacted into the receiver's snapshot and asks for the
     * snapshot (one acceptor is asked, so that one snapshot travels at a time).
     */
    record SnapshotRequest(long ballot) implements PaxosMessage {}
}
