package io.consensus.zab;

import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.zab.ZabMessage.Ack;
import io.consensus.zab.ZabMessage.AckEpoch;
import io.consensus.zab.ZabMessage.Commit;
import io.consensus.zab.ZabMessage.Diff;
import io.consensus.zab.ZabMessage.FollowerInfo;
import io.consensus.zab.ZabMessage.NewEpoch;
import io.consensus.zab.ZabMessage.NewLeader;
import io.consensus.zab.ZabMessage.Ping;
import io.consensus.zab.ZabMessage.PingAck;
import io.consensus.zab.ZabMessage.Proposal;
import io.consensus.zab.ZabMessage.Quiesce;
import io.consensus.zab.ZabMessage.Resync;
import io.consensus.zab.ZabMessage.Snap;
import io.consensus.zab.ZabMessage.TakeOver;
import io.consensus.zab.ZabMessage.Trunc;
import io.consensus.zab.ZabMessage.UpToDate;
import java.util.List;

/**
 * A follower (or observer) of one prospective leader, through the three phases (paper §IV):
 * discovery (FOLLOWERINFO, NEWEPOCH, ACKEPOCH after the accepted epoch is durable), synchronization
 * (DIFF/TRUNC/SNAP, the transactions, NEWLEADER acknowledged only once the synchronized history and
 * the current epoch are durable) and broadcast (PROPOSAL acknowledged once durable, COMMIT applied in
 * order, never past a gap). Any doubt sends it back to leader election.
 */
final class Follower {

    enum Phase { DISCOVERY, SYNC, BROADCAST }

    private final ZabCore core;
    final String leaderId;
    Phase phase = Phase.DISCOVERY;
    /** The epoch accepted from this leader, -1 before NEWEPOCH. */
    long epoch = -1;
    /** The leader's NEWLEADER transaction (zxid (epoch, 0)), -1 before NEWLEADER. */
    long newLeaderIndex = -1;
    /** UPTODATE seen: the leader is established and this member may serve. */
    boolean upToDate;
    /** The log matches the leader's up to here (verified in this session). */
    long matchedIndex;
    private long lastContactTick;
    private int sinceInfo;
    private long awaitingSnapshot = -1;
    private long lastResyncTick = ZabCore.NEVER;

    Follower(ZabCore core, String leaderId) {
        this.core = core;
        this.leaderId = leaderId;
        this.lastContactTick = core.now;
        this.matchedIndex = core.emittedIndex;
    }

    void start() {
        sendInfo();
    }

    private void sendInfo() {
        sinceInfo = 0;
        core.out.send(leaderId, new FollowerInfo(core.meta.acceptedEpoch(), !core.meta.joined()));
    }

    void tick() {
        if (core.now - lastContactTick >= core.electionTicks) {
            core.lookForLeader("no word from leader " + leaderId + " for an election timeout");
            return;
        }
        if (phase == Phase.DISCOVERY && ++sinceInfo >= core.heartbeatTicks) {
            sendInfo();
        }
    }

    void receive(ZabMessage message) {
        if (message instanceof NewEpoch m) {
            lastContactTick = core.now;
            onNewEpoch(m);
            return;
        }
        if (phase == Phase.DISCOVERY || epochOf(message) != epoch) {
            return; // not (yet) of our epoch: no sign of a leader we follow
        }
        lastContactTick = core.now;
        core.leaseContact(epoch);
        if (message instanceof Proposal m) {
            onProposal(m);
        } else if (message instanceof Ping m) {
            core.out.send(leaderId, new PingAck(epoch, m.round(), phase == Phase.BROADCAST));
            onCommitPoint(m.commitIndex());
        } else if (message instanceof Commit m) {
            onCommitPoint(m.commitIndex());
        } else if (message instanceof Quiesce m) {
            onQuiesce(m);
        } else if (message instanceof NewLeader m) {
            onNewLeader(m);
        } else if (message instanceof UpToDate m) {
            onUpToDate(m);
        } else if (message instanceof Diff m) {
            onSyncHeader(Histories.Mode.DIFF, m.prevIndex(), m.prevEra());
        } else if (message instanceof Trunc m) {
            onSyncHeader(Histories.Mode.TRUNC, m.prevIndex(), m.prevEra());
        } else if (message instanceof Snap m) {
            onSnap(m);
        } else if (message instanceof TakeOver) {
            if (phase == Phase.BROADCAST && core.participant()) {
                core.takeOver(epoch); // the leader checked that we hold its every transaction
            }
        }
    }

    private static long epochOf(ZabMessage message) {
        if (message instanceof Proposal m) {
            return m.epoch();
        } else if (message instanceof Ping m) {
            return m.epoch();
        } else if (message instanceof Commit m) {
            return m.epoch();
        } else if (message instanceof Quiesce m) {
            return m.epoch();
        } else if (message instanceof NewLeader m) {
            return m.epoch();
        } else if (message instanceof UpToDate m) {
            return m.epoch();
        } else if (message instanceof Diff m) {
            return m.epoch();
        } else if (message instanceof Trunc m) {
            return m.epoch();
        } else if (message instanceof Snap m) {
            return m.epoch();
        } else if (message instanceof TakeOver m) {
            return m.epoch();
        }
        return -1; // not a leader-to-follower message
    }

    // ---- phase 1: discovery ------------------------------------------------------------------

    private void onNewEpoch(NewEpoch m) {
        if (phase != Phase.DISCOVERY) {
            if (m.epoch() == epoch) {
                sendAckEpoch(); // the leader restarted our synchronization (or lost our ACKEPOCH)
                return;
            }
            if (m.epoch() < epoch) {
                return; // a late copy from an older leadership
            }
            // The same member leads again, in a newer epoch: start over with it (phase 1).
            phase = Phase.DISCOVERY;
            epoch = -1;
            newLeaderIndex = -1;
            upToDate = false;
            awaitingSnapshot = -1;
            matchedIndex = core.emittedIndex;
        }
        ZabMetadata meta = core.meta;
        if (m.epoch() < meta.acceptedEpoch()) {
            // §IV-A: never acknowledge an epoch below f.p.
            core.lookForLeader("NEWEPOCH " + m.epoch() + " from " + leaderId + " is below accepted epoch "
                    + meta.acceptedEpoch());
            return;
        }
        if (core.leaseWaitPending()) {
            // A lease we granted may still hold; the leader repeats NEWEPOCH. Observers wait too: the
            // leader counts our answers by its configuration, which may already make us a voter.
            return;
        }
        if (m.epoch() > meta.acceptedEpoch()) {
            core.acceptEpoch(m.epoch(), leaderId);
        }
        epoch = m.epoch();
        phase = Phase.SYNC;
        core.leaseContact(epoch);
        sendAckEpoch();
    }

    private void sendAckEpoch() {
        // Each epoch is acknowledged to one prospective leader only (the one recorded with it), so two
        // leaders that picked the same number cannot both gather a quorum; to any other we still
        // answer, but uncounted.
        boolean counted = leaderId.equals(core.meta.acceptedLeader());
        // ACKEPOCH promises: it leaves only once the accepted epoch is durable.
        core.out.sendAfterPersist(leaderId, new AckEpoch(epoch, core.meta.currentEpoch(), counted, core.history()));
    }

    // ---- phase 2: synchronization ------------------------------------------------------------

    private void onSyncHeader(Histories.Mode mode, long prevIndex, long prevEra) {
        if (phase != Phase.SYNC) {
            return;
        }
        core.lastSyncMode = mode;
        awaitingSnapshot = -1; // the leader's plan changed: no snapshot is coming for this one
        if (prevIndex > core.lastIndex() || core.eraAt(prevIndex) != prevEra) {
            resync(); // our log changed since ACKEPOCH
            return;
        }
        // Matching up to prevIndex. With TRUNC, what follows it is replaced as the leader's transactions
        // arrive: a conflicting transaction and everything after it go in the same write that stores
        // the leader's, so a crash in between loses only transactions the leader does not have.
        matchedIndex = Math.max(matchedIndex, prevIndex);
    }

    private void onSnap(Snap m) {
        if (core.eraAt(m.index()) == m.era() || core.emittedIndex >= m.index()) {
            resync(); // we already hold what the snapshot covers: a DIFF will do
            return;
        }
        if (phase == Phase.SYNC) {
            core.lastSyncMode = Histories.Mode.SNAP;
            if (core.faults.snapInMemoryOnly()) {
                // ZOOKEEPER-3642: take the snapshot's zxid as ours before the snapshot is durable.
                core.virtualBase = new long[] {m.index(), m.era()};
                matchedIndex = m.index();
                resync();
                return;
            }
            // Wait for the runtime to stream and durably install the snapshot (snapshotInstalled).
            awaitingSnapshot = m.index();
        }
        // Confirm that we need it (our history shows where we are); the leader then has it streamed.
        // In broadcast, the install replaces our log and we synchronize again.
        resync();
    }

    void onSnapshotInstalled(SnapshotMeta meta, boolean suffixKept) {
        matchedIndex = Math.max(matchedIndex, meta.index());
        if (phase == Phase.BROADCAST) {
            if (!suffixKept) {
                // What we acknowledged after the snapshot is gone: synchronize again from scratch.
                core.lookForLeader("a snapshot replaced the log while following in broadcast");
            }
            return;
        }
        awaitingSnapshot = -1;
        if (phase == Phase.SYNC) {
            lastResyncTick = ZabCore.NEVER;
            resync(); // tell the leader where the log now starts
        }
    }

    private void onNewLeader(NewLeader m) {
        if (phase == Phase.BROADCAST) {
            if (m.index() == newLeaderIndex) {
                acknowledgeNewLeader(); // our acknowledgement was lost
            }
            return;
        }
        if (phase != Phase.SYNC) {
            return;
        }
        // We hold the initial history if its last transaction is here, or if we verified this session
        // that our log matches the leader's beyond it (it may be compacted into our snapshot).
        boolean have = awaitingSnapshot < 0 && (core.eraAt(m.index()) == epoch || matchedIndex >= m.index());
        if (!have && !core.faults.ackNewLeaderBeforeDiffLogged()) {
            resync(); // the synchronized history has not all arrived
            return;
        }
        if (have) {
            matchedIndex = Math.max(matchedIndex, m.index());
        }
        newLeaderIndex = m.index();
        // f.a := e. Written in this Ready, after every transaction of the synchronized history (in this
        // Ready or an earlier one), so it is durable only if they are; the ACK waits for that sync.
        core.setCurrentEpoch(epoch);
        phase = Phase.BROADCAST;
        acknowledgeNewLeader();
    }

    private void acknowledgeNewLeader() {
        Ack ack = new Ack(epoch, Math.max(matchedIndex, newLeaderIndex), true);
        if (core.faults.ackNewLeaderBeforePersist()) {
            core.out.send(leaderId, ack); // ZOOKEEPER-3911: acknowledged before the DIFF is durable
        } else {
            core.out.sendAfterPersist(leaderId, ack);
        }
    }

    private void onUpToDate(UpToDate m) {
        if (phase != Phase.BROADCAST) {
            return; // NEWLEADER first; later commits tell us too
        }
        becomeUpToDate();
        onCommitPoint(m.commitIndex());
    }

    private void becomeUpToDate() {
        if (!upToDate) {
            upToDate = true;
            core.joined(epoch);
        }
    }

    // ---- phase 3: broadcast ------------------------------------------------------------------

    private void onProposal(Proposal m) {
        long prev = m.prevIndex();
        long prevEra = m.prevEra();
        List<LogEntry> entries = m.entries();
        long base = core.emittedIndex;
        if (prev < base) {
            // Transactions up to what we applied are committed and identical: skip them.
            int skip = (int) Math.min(entries.size(), base - prev);
            if (skip > 0) {
                prevEra = entries.get(skip - 1).era();
                entries = entries.subList(skip, entries.size());
                prev += skip;
            }
            if (prev < base) {
                acknowledge();
                return;
            }
        }
        if (prev > core.lastIndex()) {
            resync(); // a gap: never store or apply past it
            return;
        }
        if (core.eraAt(prev) != prevEra) {
            if (synchronizedThisEpoch()) {
                throw new IllegalStateException(core.self + ": transaction " + prev + " has epoch " + core.eraAt(prev)
                        + " but leader " + leaderId + " of epoch " + epoch + " has " + prevEra + " after synchronization");
            }
            resync();
            return;
        }
        for (LogEntry entry : entries) {
            if (entry.era() > epoch) {
                return; // not from a leader of our epoch: dropped
            }
            LogEntry mine = core.log.entry(entry.index());
            if (mine != null && mine.era() == entry.era()) {
                continue; // already stored (a resend)
            }
            if (mine != null) {
                if (synchronizedThisEpoch()) {
                    throw new IllegalStateException(core.self + ": transaction " + entry.index() + " conflicts with leader "
                            + leaderId + " after synchronization in epoch " + epoch);
                }
                core.truncateFrom(entry.index()); // TRUNC: the leader's history replaces ours from here
            }
            core.append(entry);
        }
        matchedIndex = Math.max(matchedIndex, prev + entries.size());
        acknowledge();
        onCommitPoint(m.commitIndex());
    }

    /** Whether this member already acknowledged NEWLEADER of this epoch: its log is a prefix of the leader's. */
    private boolean synchronizedThisEpoch() {
        return core.meta.currentEpoch() == epoch;
    }

    private void acknowledge() {
        // ACK promises the transactions are stored: only once durable.
        core.out.sendAfterPersist(leaderId, new Ack(epoch, matchedIndex, phase == Phase.BROADCAST));
    }

    private void onCommitPoint(long leaderCommit) {
        if (phase == Phase.BROADCAST && newLeaderIndex >= 0 && leaderCommit >= newLeaderIndex) {
            becomeUpToDate(); // the leader committed its NEWLEADER: a quorum acknowledged it
        }
        // Never past what we verified to be the leader's history, nor past a gap.
        long upTo = Math.min(leaderCommit, matchedIndex);
        if (upTo > core.commitIndex && upTo <= core.lastIndex()) {
            core.advanceCommit(upTo);
        }
    }

    /**
     * The leader quiesces. This member needs no ticks until the next message if it holds exactly the
     * leader's history, all of it committed; otherwise it reports its history, which wakes the leader
     * and has it catch this member up. (In broadcast a follower sends nothing on its own timer, so a
     * quiescent one stays silent.)
     */
    private void onQuiesce(Quiesce m) {
        long last = m.commitIndex();
        onCommitPoint(last);
        if (phase == Phase.BROADCAST && upToDate && core.lastIndex() == last && matchedIndex >= last
                && core.commitIndex == last && core.eraAt(last) == epoch) {
            core.quiescent = true;
        } else {
            reportHistory(); // not rate-limited: a sleeping leader would not hear of this member otherwise
        }
    }

    private void resync() {
        if (core.now - lastResyncTick < core.heartbeatTicks) {
            return; // one report per heartbeat interval is enough
        }
        reportHistory();
    }

    private void reportHistory() {
        lastResyncTick = core.now;
        core.out.send(leaderId, new Resync(epoch, core.history()));
    }

    @Override
    public String toString() {
        return "following " + leaderId + " " + phase + " e" + epoch + (upToDate ? " uptodate" : "") + " matched="
                + matchedIndex;
    }
}
