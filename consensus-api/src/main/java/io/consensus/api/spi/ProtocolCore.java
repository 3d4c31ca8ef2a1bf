package io.consensus.api.spi;

import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;

/**
 * A protocol as a pure, deterministic state machine: no threads, clocks, I/O or randomness other
 * than {@link CoreContext#random()}. The runtime calls its methods from one thread at a time and
 * after each call takes {@link #ready()} and carries it out (see {@link Ready} for the order).
 *
 * <p>Inputs never throw for bad peer input: a core drops messages it cannot use. It throws only
 * {@link IllegalStateException} for violated invariants, which halts the member.
 */
public interface ProtocolCore {

    /** One logical tick of {@link io.consensus.api.ConsensusConfig#tick()}; drives all timeouts. */
    void tick();

    /** A message from another member of the group. */
    void receive(String from, ProtocolMessage message);

    /**
     * Proposes a {@link EntryKind#COMMANDS} value (a batch the runtime encoded).
     *
     * @return false if this member cannot propose now (not leader, leadership not yet established,
     *         or a transfer in progress); the runtime then forwards or rejects
     */
    boolean propose(byte[] commands);

    /**
     * Asks for a read barrier at {@link ReadConsistency#LINEARIZABLE} or {@link ReadConsistency#LEASE}.
     * Answered later by a {@link ReadGrant} or a failed {@link RequestOutcome} with the same id.
     */
    void read(long readId, ReadConsistency consistency);

    /** Starts a membership change; answered by a {@link RequestOutcome}. */
    void changeMembership(long requestId, MembershipChange change);

    /** Starts a leadership transfer; answered by a {@link RequestOutcome}. */
    void transferLeadership(long requestId, String targetId);

    /**
     * The log is durable up to {@code index}, whose entry had {@code era} when the sync began. If
     * the entry at {@code index} now has another era, the suffix was rewritten meanwhile and the
     * notice must be ignored.
     */
    void persisted(long index, long era);

    /**
     * The runtime installed a snapshot received from {@code from}: the state machine now holds
     * everything up to {@code meta.index()}, and the log starts after it. Entries after the snapshot
     * were kept if the entry at its index had the snapshot's era, else the log was emptied. A
     * snapshot at or below what was already applied is ignored and not reported.
     */
    void snapshotInstalled(String from, SnapshotMeta meta);

    /**
     * The runtime applied committed entries up to this native index. After a restart a core may hand
     * out committed entries again from its snapshot on; the runtime skips those already applied.
     */
    void applied(long index);

    /**
     * Whether this core needs no ticks until its next input: the group is idle, and its leader told
     * every member so. The runtime stops ticking a quiescent core, so an idle group costs nothing
     * but one liveness message per pair of nodes.
     *
     * <p>Any input but {@link #persisted} and {@link #applied} ends quiescence, {@link #tick()}
     * included. Time that passes while a core is quiescent is not handed to it when an input wakes
     * it, so a core must not carry evidence of time across quiescence: a leader gives up its lease
     * before it quiesces, and answers that arrive after may not renew it. A follower's frozen
     * timers are safe (it only refuses votes longer). One exception: when no message has come from the
     * leader's node for an election timeout, the runtime ticks the follower again and hands it the
     * ticks it slept through, so it campaigns at once.
     *
     * @return false unless the protocol implements quiescence
     */
    default boolean quiescent() {
        return false;
    }

    /** Whether {@link #ready()} has anything to hand out. */
    boolean hasReady();

    /** Hands out, and forgets, everything accumulated since the last call. */
    Ready ready();

    /** The current status. */
    CoreStatus status();
}
