package io.consensus.raft;

import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.raft.RaftMessage.AppendEntries;
import io.consensus.raft.RaftMessage.AppendResponse;
import io.consensus.raft.RaftMessage.Heartbeat;
import io.consensus.raft.RaftMessage.HeartbeatResponse;
import io.consensus.raft.RaftMessage.SnapshotAck;
import java.util.List;

/** The receiving side of replication: AppendEntries (paper §5.3, Figure 2), heartbeats, snapshots (§7). */
final class FollowerLog {

    private final RaftCore core;

    FollowerLog(RaftCore core) {
        this.core = core;
    }

    void onAppendEntries(String from, AppendEntries message) {
        long prevIndex = message.prevLogIndex();
        List<LogEntry> entries = message.entries();
        // Entries up to the commit index are committed, so they already match the leader's log (Leader
        // Completeness, §5.4): skip them, and with them the consistency check.
        if (prevIndex < core.commitIndex) {
            int skip = (int) Math.min(entries.size(), core.commitIndex - prevIndex);
            for (LogEntry entry : entries.subList(0, skip)) {
                long era = core.log.eraAt(entry.index());
                if (era >= 0 && era != entry.era()) {
                    throw new IllegalStateException(from + " sent entry " + entry.index() + "@" + entry.era()
                            + " but " + core.self + " committed " + entry.index() + "@" + era);
                }
            }
            entries = entries.subList(skip, entries.size());
            prevIndex += skip;
        }
        boolean matches = prevIndex <= core.commitIndex
                || (prevIndex <= core.log.lastIndex() && core.log.eraAt(prevIndex) == message.prevLogTerm());
        if (!matches) {
            reject(from, message.prevLogIndex());
            return;
        }
        int firstNew = 0;
        while (firstNew < entries.size()) {
            LogEntry entry = entries.get(firstNew);
            if (core.log.eraAt(entry.index()) != entry.era() || entry.index() > core.log.lastIndex()) {
                break;
            }
            firstNew++; // already stored: a duplicate or reordered message must not truncate (§5.3)
        }
        if (firstNew < entries.size()) {
            append(entries.subList(firstNew, entries.size()));
        }
        long lastNew = prevIndex + entries.size();
        core.advanceCommit(Math.min(message.leaderCommit(), lastNew));
        core.acknowledge(from, new AppendResponse(core.term, true, lastNew, 0, 0));
    }

    private void append(List<LogEntry> entries) {
        long first = entries.get(0).index();
        if (first <= core.commitIndex) {
            throw new IllegalStateException(core.self + " would overwrite committed entry " + first + " (commit "
                    + core.commitIndex + ")");
        }
        if (core.role == RaftRole.LEADER) {
            throw new IllegalStateException("a leader never rewrites its log");
        }
        if (first <= core.log.lastIndex()) {
            core.configs.truncatedFrom(first);
            core.durableIndex = Math.min(core.durableIndex, first - 1);
        }
        core.log.replaceSuffix(entries);
        for (LogEntry entry : entries) {
            core.configs.appended(entry);
        }
    }

    /** Rejects with the hints of §5.3's optimization: the conflicting term and its first index here. */
    private void reject(String from, long prevIndex) {
        long last = core.log.lastIndex();
        if (prevIndex > last) {
            core.out.send(from, new AppendResponse(core.term, false, prevIndex, 0, last + 1));
            return;
        }
        long conflictTerm = core.log.eraAt(prevIndex);
        long conflictIndex = prevIndex;
        long floor = Math.max(core.commitIndex + 1, core.log.firstIndex());
        while (conflictIndex - 1 >= floor && core.log.eraAt(conflictIndex - 1) == conflictTerm) {
            conflictIndex--;
        }
        core.out.send(from, new AppendResponse(core.term, false, prevIndex, Math.max(0, conflictTerm), conflictIndex));
    }

    void onHeartbeat(String from, Heartbeat heartbeat) {
        // The leader caps the commit index at what it knows this member holds, and what it holds up to
        // there matches the leader's log.
        core.advanceCommit(Math.min(heartbeat.commit(), core.log.lastIndex()));
        core.out.send(from, new HeartbeatResponse(core.term, heartbeat.seq()));
    }

    /**
     * The leader quiesces: if this member holds exactly the leader's log, all committed, it needs no
     * ticks until the next message; otherwise it answers, which wakes the leader to catch it up.
     */
    void onQuiesce(String from, RaftMessage.Quiesce quiesce) {
        core.advanceCommit(Math.min(quiesce.commit(), core.log.lastIndex()));
        if (core.log.lastIndex() == quiesce.commit() && core.commitIndex == quiesce.commit()) {
            core.quiescent = true;
        } else {
            core.out.send(from, new HeartbeatResponse(core.term, 0));
        }
    }

    /** The runtime installed the leader's snapshot; the log now starts after it (paper §7). */
    void onSnapshotInstalled(String from, SnapshotMeta meta) {
        core.configs.snapshotInstalled(meta);
        if (meta.index() > core.commitIndex) {
            core.commitIndex = meta.index(); // the state arrived with the snapshot: nothing to hand out
        }
        core.durableIndex = core.log.lastIndex();
        if (core.joinedTerm == RaftMetadata.NOT_JOINED) {
            core.joinedTerm = core.term;
            core.persistMetadata();
        }
        if (from.equals(core.leaderId)) {
            core.lastLeaderContactTick = core.now;
            core.electionTimer.reset();
        }
        core.out.sendAfterPersist(from, new SnapshotAck(core.term, meta.index()));
    }
}
