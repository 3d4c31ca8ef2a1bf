package io.consensus.zab;

import io.consensus.api.RejectedException.Reason;
import io.consensus.api.spi.CoreState;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.zab.ZabMessage.TakeOver;

/**
 * One leadership transfer, from the request on the leader of {@link #epoch} to the target's
 * establishment (docs/zab.md, "Leadership transfer"; the Raft thesis §3.10 adapted to Zab). The
 * leader stops proposing; once the target has acknowledged every transaction and all of them are
 * committed, it sends TAKEOVER and from then on serves no lease read in this epoch. The target leads
 * at once (see {@link ZabCore#takeOver}); discovery and synchronization then run as after any
 * election, so Zab's safety never rests on the transfer.
 *
 * <p>The request succeeds when this member, following the target since it announced itself, sees it
 * established. It fails if the target does not take over within an election timeout (the leader
 * then proposes again), or is not established within another.
 */
final class LeadershipTransfer {

    private final ZabCore core;
    final long requestId;
    final String target;
    /** The epoch whose leadership is handed over. */
    final long epoch;
    private final long startTick;
    private long takeOverSentTick = ZabCore.NEVER;
    private long handedOverTick = ZabCore.NEVER;

    LeadershipTransfer(ZabCore core, long requestId, String target, long epoch) {
        this.core = core;
        this.requestId = requestId;
        this.target = target;
        this.epoch = epoch;
        this.startTick = core.now;
    }

    /** Whether the target announced it leads: this member no longer leads and follows it. */
    boolean handedOver() {
        return handedOverTick != ZabCore.NEVER;
    }

    void markHandedOver() {
        handedOverTick = core.now;
    }

    /**
     * On the leader, at every step: TAKEOVER once the target holds every transaction and all are
     * committed (so nothing the leader acknowledged depends on the next epoch), repeated every
     * heartbeat in case it was lost. The first one revokes the lease for good: voters acknowledge the
     * target's epoch without waiting, and a delayed TAKEOVER can arrive after the transfer failed.
     */
    void maybeSendTakeOver(Leader leader) {
        if (handedOver() || core.now - takeOverSentTick < core.heartbeatTicks) {
            return;
        }
        Peer peer = leader.peers.get(target);
        long last = core.lastIndex();
        if (peer == null || !leader.counts(peer) || peer.phase != Peer.Phase.SYNCED
                || peer.progress.matchIndex() < last || core.commitIndex < last) {
            return;
        }
        leader.reads.revokeLease();
        takeOverSentTick = core.now;
        core.out.send(target, new TakeOver(epoch));
    }

    /** How the transfer ended, given who leads now; null while it goes on. */
    RequestOutcome outcome(CoreState state) {
        if (!handedOver()) {
            if (core.now - startTick >= core.electionTicks) {
                return RequestOutcome.failed(requestId, Reason.INVALID, target + " did not take over within an"
                        + " election timeout; " + core.self + " leads on");
            }
            return null;
        }
        String leaderId = state.leaderId();
        if (target.equals(leaderId)) {
            return RequestOutcome.ok(requestId);
        }
        if (leaderId != null) {
            return RequestOutcome.failed(requestId, Reason.NO_LEADER, leaderId + " leads, not " + target);
        }
        if (core.now - handedOverTick >= core.electionTicks) {
            return RequestOutcome.failed(requestId, Reason.NO_LEADER, target + " took over but was not established"
                    + " within an election timeout");
        }
        return null;
    }

    @Override
    public String toString() {
        return "transfer of e" + epoch + " to " + target + (handedOver() ? " handed over" : "");
    }
}
