package io.consensus.paxos;

import io.consensus.api.Membership;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.paxos.PaxosMessage.Accept;
import io.consensus.paxos.PaxosMessage.Accepted;
import io.consensus.paxos.PaxosMessage.Heartbeat;
import io.consensus.paxos.PaxosMessage.HeartbeatAck;
import io.consensus.paxos.PaxosMessage.Learn;
import io.consensus.paxos.PaxosMessage.Learned;
import io.consensus.paxos.PaxosMessage.Nack;
import io.consensus.paxos.PaxosMessage.NotMember;
import io.consensus.paxos.PaxosMessage.Prepare;
import io.consensus.paxos.PaxosMessage.ProbeGranted;
import io.consensus.paxos.PaxosMessage.Promise;
import io.consensus.paxos.PaxosMessage.Quiesce;
import io.consensus.paxos.PaxosMessage.TimeoutNow;
import java.util.List;

/**
 * The acceptor and learner side of a member (Paxos Made Simple §2.2-2.3): answers Prepare with a
 * promise and everything it accepted from the requested slot on, accepts proposals not below its
 * promise, and learns chosen slots from the leader. Everything it reports is durable first.
 */
final class Acceptor {

    private final PaxosCore core;
    /** When this member last sent its snapshot to a lagging candidate, by member. */
    private final java.util.Map<String, Long> snapshotSent = new java.util.HashMap<>();

    Acceptor(PaxosCore core) {
        this.core = core;
    }

    // ---- phase 1 ---------------------------------------------------------------------------------

    void onPrepare(String from, Prepare m) {
        if (unknownMember(from)) {
            core.out.send(from, new NotMember(m.ballot(), core.configs.slotOf(core.commitIndex + 1)));
            return;
        }
        if (!core.mayPromise(m.ballot()) || leaseHolds(from, m.transferFrom())) {
            core.out.send(from, new Nack(m.ballot(), core.promised));
            return;
        }
        boolean renewed = m.ballot() == core.promised && from.equals(core.promisedBy);
        if (m.ballot() <= core.promised && !renewed) {
            if (m.ballot() == core.promised && !m.probe()) {
                core.supersede(m.ballot()); // two members hold one ballot: both must pick a new one
            }
            core.out.send(from, new Nack(m.ballot(), core.promised));
            return;
        }
        if (m.probe()) {
            core.out.send(from, new ProbeGranted(m.ballot())); // it would promise; nothing changes
            return;
        }
        if (!renewed) {
            core.stepDown(from);
            core.promise(m.ballot(), from);
            core.leaderId = null;
        }
        core.electionTimer.reset(); // give the candidate its chance before competing
        sendPromise(from, m);
    }

    /**
     * A member that heard from a live leader less than an election timeout ago refuses other
     * candidates: a healthy leader is not pre-empted, and its lease reads rely on it. A leader refuses
     * too. The exception is a candidate the current leader asked to take over.
     */
    private boolean leaseHolds(String from, long transferFrom) {
        if (core.leader != null) {
            return transferFrom != core.leader.ballot;
        }
        if (transferFrom != Ballot.NONE && transferFrom == core.leaderBallot && core.leaderId != null) {
            return false;
        }
        return core.now - core.lastLeaderContactTick < core.electionTicks && !from.equals(core.leaderId);
    }

    /** A member this acceptor knows is not in the group (e.g. one removed) may not disrupt it. */
    private boolean unknownMember(String from) {
        Membership current = core.configs.at(core.commitIndex + 1);
        return current != null && current.member(from).isEmpty();
    }

    /** Phase 1b in chunks of at most {@link PaxosCore#MAX_BATCH_BYTES}, all sent once the promise is durable. */
    private void sendPromise(String to, Prepare m) {
        long fromSlot = m.fromSlot();
        long snapshotIndex = core.log.latestSnapshot().map(SnapshotMeta::index).orElse(0L);
        long firstIndex = core.log.firstIndex();
        // Slots below the first entry that are known chosen have no value to report (compacted, or wiped
        // by the runtime under an older snapshot): the candidate is behind and must catch up (from the
        // leader: several acceptors streaming snapshots to it at once would race in the runtime).
        long compactedThrough = fromSlot - 1;
        long knownWithoutValue = Math.min(Math.max(snapshotIndex, core.commitIndex), firstIndex - 1);
        if (fromSlot <= knownWithoutValue) {
            compactedThrough = knownWithoutValue;
        }
        long last = core.log.lastIndex();
        long chunkFrom = Math.max(fromSlot, compactedThrough + 1);
        while (true) {
            List<LogEntry> entries = chunkFrom <= last
                    ? core.log.entries(chunkFrom, last + 1, PaxosCore.MAX_BATCH_BYTES) : List.of();
            long chunkTo = entries.isEmpty() ? Math.max(last, chunkFrom - 1) : entries.get(entries.size() - 1).index();
            boolean done = chunkTo >= last;
            long forgotThrough = core.amnesiaUntil >= fromSlot ? core.amnesiaUntil : 0;
            core.acknowledge(to, new Promise(m.ballot(), fromSlot, core.commitIndex, compactedThrough, forgotThrough,
                    chunkFrom, chunkTo, done, entries));
            if (done) {
                return;
            }
            chunkFrom = chunkTo + 1;
        }
    }

    // ---- phase 2 ---------------------------------------------------------------------------------

    void onAccept(String from, Accept m) {
        if (refuse(from, m.ballot())) {
            return;
        }
        core.followLeader(from, m.ballot());
        if (core.joined == PaxosMetadata.NOT_JOINED) {
            // Not yet brought up to date after losing its disk: it accepts nothing (it learns instead).
            if (!m.entries().isEmpty()) {
                long first = m.entries().get(0).index();
                core.out.send(from, new Accepted(m.ballot(), first, first - 1, core.commitIndex));
            }
            return;
        }
        if (m.entries().isEmpty()) {
            core.learnCommit(m.ballot(), m.commit());
            return;
        }
        long first = m.entries().get(0).index();
        long lastAccepted = first - 1;
        long limit = core.commitIndex + PaxosCore.ACCEPT_AHEAD_SLOTS;
        for (LogEntry entry : m.entries()) {
            if (entry.index() > limit) {
                break; // too far ahead of what it knows chosen; it catches up first
            }
            if (entry.era() != m.ballot()) {
                return; // malformed: drop the message
            }
            LogEntry local = core.log.entry(entry.index());
            if (entry.index() <= core.commitIndex) {
                // Known chosen here. Any proposal for a chosen slot in a higher ballot carries the chosen
                // value (Paxos Made Simple §2.2, P2b); anything else is a safety bug somewhere.
                if (local != null && !PaxosCore.sameValue(local, entry)) {
                    throw new IllegalStateException("ballot " + Ballot.describe(m.ballot()) + " proposes " + entry
                            + " for slot " + entry.index() + " that " + core.self + " knows chosen as " + local);
                }
            } else if (local == null || local.era() != entry.era()) {
                core.write(entry); // replaces this slot only: later slots stay accepted
            } else if (!PaxosCore.sameValue(local, entry)) {
                throw new IllegalStateException("two values for slot " + entry.index() + " in ballot "
                        + Ballot.describe(m.ballot()) + ": " + local + " and " + entry);
            }
            lastAccepted = entry.index();
        }
        core.learnCommit(m.ballot(), m.commit());
        core.acknowledge(from, new Accepted(m.ballot(), first, lastAccepted, core.commitIndex));
    }

    void onHeartbeat(String from, Heartbeat m) {
        if (refuse(from, m.ballot())) {
            return;
        }
        core.followLeader(from, m.ballot());
        learnFromLeader(m.ballot(), m.commit());
        core.acknowledge(from, new HeartbeatAck(m.ballot(), m.seq(), core.commitIndex));
    }

    /**
     * The leader quiesces. A member that has learnt every slot up to the leader's last one, and holds
     * no later slot of its ballot (a Quiesce overtaken by newer proposals), needs no ticks until the
     * next message and does not answer; any other answers, which wakes the leader to catch it up.
     * Later slots of older ballots do not keep it awake: they are not chosen (the leader's phase 1
     * would have recovered them), and only a new proposal in their slot replaces them.
     */
    void onQuiesce(String from, Quiesce m) {
        if (refuse(from, m.ballot())) {
            return;
        }
        core.followLeader(from, m.ballot());
        learnFromLeader(m.ballot(), m.commit());
        if (core.commitIndex == m.commit() && !holdsAfter(m.commit(), m.ballot())) {
            core.quiescent = true;
        } else {
            core.acknowledge(from, new Learned(m.ballot(), core.commitIndex));
        }
    }

    /**
     * Learns what the leader of {@code ballot} says is chosen; a member that lost its disk rejoins once
     * it has learnt all of it.
     */
    private void learnFromLeader(long ballot, long leaderCommit) {
        core.learnCommit(ballot, leaderCommit);
        if (core.joined == PaxosMetadata.NOT_JOINED && core.commitIndex >= leaderCommit) {
            core.join(ballot);
        }
    }

    /** Whether this acceptor holds a slot after {@code slot} accepted in {@code ballot}. */
    private boolean holdsAfter(long slot, long ballot) {
        for (long s = slot + 1; s <= core.log.lastIndex(); s++) {
            if (core.log.eraAt(s) == ballot) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether to refuse a proposal or heartbeat of {@code ballot}: it is below the promise (or is the
     * promised ballot of another member), or this member rejoined after losing its disk at or above
     * it. A refusal carries the promise, which makes a superseded leader step down.
     */
    private boolean refuse(String from, long ballot) {
        if (core.joined != PaxosMetadata.NOT_JOINED && ballot <= core.joined) {
            // It rejoined in this ballot and may have promised more before its disk was lost: ask the
            // leader for a new ballot by promising a marker just above this round.
            if (core.promised < Ballot.markerAbove(core.joined)) {
                core.supersede(core.joined);
            }
            core.out.send(from, new Nack(ballot, core.promised));
            return true;
        }
        boolean below = ballot < core.promised || (ballot == core.promised && !from.equals(core.promisedBy));
        if (below && !core.faults.ignorePromisedBallot()) {
            if (ballot == core.promised) {
                core.supersede(ballot); // two members hold one ballot: both must pick a new one
            }
            core.out.send(from, new Nack(ballot, core.promised));
            return true;
        }
        return false;
    }

    // ---- learning ----------------------------------------------------------------------------------

    /** Chosen values from the leader, contiguous from this member's known-chosen prefix on. */
    void onLearn(String from, Learn m) {
        if (m.config() != null && !m.entries().isEmpty() && m.entries().get(0).index() == core.commitIndex + 1) {
            core.learnConfig(m.configSlot(), m.config());
        }
        for (LogEntry entry : m.entries()) {
            if (entry.index() <= core.commitIndex) {
                continue;
            }
            if (entry.index() != core.commitIndex + 1) {
                break;
            }
            LogEntry local = core.log.entry(entry.index());
            if (local == null || local.era() != entry.era() || !PaxosCore.sameValue(local, entry)) {
                core.write(entry); // a chosen value may replace whatever this acceptor had accepted there
            }
            core.commitEntry(entry);
        }
        core.acknowledge(from, new Learned(m.ballot(), core.commitIndex));
    }

    /** A lagging candidate asks for this member's snapshot: sent at most once per election timeout to it. */
    void onSnapshotRequest(String from) {
        Long last = snapshotSent.get(from);
        if (core.log.latestSnapshot().isPresent() && (last == null || core.now - last >= core.electionTicks)) {
            snapshotSent.put(from, core.now);
            core.out.sendSnapshot(from);
        }
    }

    void onTimeoutNow(String from, TimeoutNow m) {
        if (from.equals(core.leaderId) && m.ballot() == core.leaderBallot && core.leader == null && core.canCampaign()) {
            core.campaign(m.ballot(), false);
        }
    }
}
