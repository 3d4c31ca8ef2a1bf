package io.consensus.zab;

import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.ProtocolMessage;
import java.util.List;
import java.util.Objects;

/**
 * The messages Zab members exchange, named after the Zab 1.0 packets of Junqueira, Reed and Serafini
 * (DSN 2011, §IV) and ZooKeeper's {@code Leader}/{@code Learner}. The sender is not a field: the
 * runtime's envelope carries it. Every message of phases 1 to 3 carries the epoch it belongs to; a
 * member drops messages of an epoch it is not in.
 *
 * <p>Positions: {@code index} is the contiguous transaction number of the shared log and an entry's
 * era is its epoch; the zxid {@code (epoch, counter)} is derived (see {@link ZabCore#zxid}).
 */
public sealed interface ZabMessage extends ProtocolMessage {

    /** What a member is doing, as reported in election notifications. */
    enum PeerState { LOOKING, FOLLOWING, LEADING }

    /**
     * A Fast-Leader-Election vote: the member proposed as leader and its history's recency. Votes
     * order by (current epoch, last zxid, member id), the order of ZooKeeper's
     * {@code FastLeaderElection.totalOrderPredicate}.
     *
     * @param leader    the member voted for
     * @param epoch     its current epoch (the last epoch whose NEWLEADER it acknowledged)
     * @param lastEra   the epoch of its last transaction
     * @param lastIndex the index of its last transaction
     */
    record Vote(String leader, long epoch, long lastEra, long lastIndex) implements Comparable<Vote> {
        public Vote {
            Objects.requireNonNull(leader, "leader");
        }

        @Override
        public int compareTo(Vote other) {
            int c = Long.compare(epoch, other.epoch);
            if (c == 0) {
                c = Long.compare(lastEra, other.lastEra);
            }
            if (c == 0) {
                c = Long.compare(lastIndex, other.lastIndex);
            }
            return c != 0 ? c : leader.compareTo(other.leader);
        }
    }

    /**
     * Consecutive transactions of one epoch in a member's log.
     *
     * @param era        their epoch
     * @param firstIndex the first index
     * @param lastIndex  the last index
     */
    record EpochRange(long era, long firstIndex, long lastIndex) {}

    /**
     * A summary of a member's history that lets a leader find where it diverges (phase 2): the
     * committed prefix it holds as a snapshot, its last zxid, and the epochs of the transactions
     * after the snapshot, newest last (possibly only the newest ranges, when there are many).
     *
     * @param baseIndex the index its snapshot covers (0 if none): committed, so shared with every leader
     * @param baseEra   the epoch of the transaction at {@code baseIndex} (0 if none)
     * @param lastIndex its last index
     * @param lastEra   the epoch of its last transaction
     * @param ranges    epochs of the transactions in {@code (baseIndex, lastIndex]}, oldest first
     */
    record History(long baseIndex, long baseEra, long lastIndex, long lastEra, List<EpochRange> ranges) {
        public History {
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * Fast Leader Election notification (ZooKeeper {@code FastLeaderElection.Notification}).
     *
     * @param round         the sender's election round (logical clock)
     * @param state         what the sender is doing
     * @param participant   whether the sender votes: when LOOKING, whether {@code vote} is a vote
     *                      (receivers count it if their configuration makes the sender a voter)
     * @param vote          when LOOKING, the sender's vote; otherwise the leader it follows or is
     * @param acceptedEpoch the sender's accepted epoch
     */
    record Notification(long round, PeerState state, boolean participant, Vote vote, long acceptedEpoch)
            implements ZabMessage {
        public Notification {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(vote, "vote");
        }
    }

    /**
     * Phase 1: a follower (or observer) connects to its prospective leader (FOLLOWERINFO / OBSERVERINFO).
     *
     * @param acceptedEpoch the last epoch it accepted (f.p in the paper)
     * @param fresh         whether it started with an empty disk and was never brought up to date: its
     *                      acknowledgements must not count (it may have made promises it forgot)
     */
    record FollowerInfo(long acceptedEpoch, boolean fresh) implements ZabMessage {}

    /** Phase 1: the new epoch, above every accepted epoch the leader has seen (NEWEPOCH / LEADERINFO). */
    record NewEpoch(long epoch) implements ZabMessage {}

    /**
     * Phase 1: the follower accepted {@code epoch} durably (ACKEPOCH) and reports its history.
     *
     * @param epoch        the accepted epoch
     * @param currentEpoch its current epoch (f.a in the paper)
     * @param counted      false when the follower had already acknowledged this epoch to another
     *                     prospective leader (two may pick the same number): it follows, but its
     *                     acknowledgement must not count towards this leader's discovery quorum
     *                     (ZooKeeper sends -1 then)
     * @param history      its history, for the recency check and synchronization
     */
    record AckEpoch(long epoch, long currentEpoch, boolean counted, History history) implements ZabMessage {
        public AckEpoch {
            Objects.requireNonNull(history, "history");
        }
    }

    /** Phase 2, DIFF: the follower's log matches the leader's up to {@code prevIndex}; missing transactions follow. */
    record Diff(long epoch, long prevIndex, long prevEra) implements ZabMessage {}

    /**
     * Phase 2, TRUNC: the follower holds transactions after {@code prevIndex} that are not in the
     * leader's history; the leader's transactions follow and replace them.
     */
    record Trunc(long epoch, long prevIndex, long prevEra) implements ZabMessage {}

    /** Phase 2, SNAP: the follower is sent the leader's snapshot (by the runtime); transactions after it follow. */
    record Snap(long epoch, long index, long era) implements ZabMessage {}

    /**
     * A batch of consecutive transactions (PROPOSAL), during synchronization and broadcast, with the
     * leader's commit point (COMMIT). Carries the position before the batch so that a follower sees a
     * gap or a mismatch instead of applying past it.
     *
     * @param epoch       the leader's epoch
     * @param prevIndex   the index just before {@code entries}
     * @param prevEra     the epoch of the transaction at {@code prevIndex}
     * @param entries     consecutive transactions from {@code prevIndex + 1}
     * @param commitIndex the leader's commit index
     */
    record Proposal(long epoch, long prevIndex, long prevEra, List<LogEntry> entries, long commitIndex)
            implements ZabMessage {
        public Proposal {
            entries = List.copyOf(entries);
        }
    }

    /** Phase 2: the leader's initial history ends at {@code index}, the epoch's first transaction (zxid (epoch, 0)). */
    record NewLeader(long epoch, long index) implements ZabMessage {}

    /**
     * A follower's durable acknowledgement of everything up to {@code index} (ACK).
     *
     * @param synced true once the follower has processed NEWLEADER: its current epoch is {@code epoch},
     *               durably; only such acknowledgements count towards a quorum
     */
    record Ack(long epoch, long index, boolean synced) implements ZabMessage {}

    /** Phase 2 ends: a quorum acknowledged NEWLEADER; the follower may serve (UPTODATE). */
    record UpToDate(long epoch, long commitIndex) implements ZabMessage {}

    /** Phase 3: everything up to {@code commitIndex} is committed (COMMIT, batched). */
    record Commit(long epoch, long commitIndex) implements ZabMessage {}

    /** The leader's heartbeat (PING); {@code round} numbers the quorum rounds of reads and leases. */
    record Ping(long epoch, long commitIndex, long round) implements ZabMessage {}

    /**
     * The answer to a {@link Ping}: the follower still follows this leader in {@code epoch}.
     *
     * @param synced whether it has processed NEWLEADER (so the leader notices one that restarted its
     *               synchronization and needs NEWLEADER again)
     */
    record PingAck(long epoch, long round, boolean synced) implements ZabMessage {}

    /**
     * The leader has nothing in flight and every member holds its whole history, all committed: stop
     * ticking until the next message (quiescence). The leader's last transaction is committed and of
     * its epoch, so {@code (epoch, commitIndex)} names its zxid. A follower whose history is not exactly
     * that answers with a {@link Resync}, which wakes the leader to catch it up.
     *
     * @param epoch       the leader's epoch
     * @param commitIndex the leader's commit index, which is also its last index
     */
    record Quiesce(long epoch, long commitIndex) implements ZabMessage {}

    /**
     * Leadership transfer: the established leader of {@code epoch}, which has stopped proposing and
     * whose every transaction the receiving follower acknowledged, asks it to lead at once.
     */
    record TakeOver(long epoch) implements ZabMessage {}

    /**
     * Leadership transfer: the sender leads at the request of the leader of {@code epoch}, which gave
     * up its lease; a member that follows that leader connects to the sender instead, and no member
     * waits out a lease it granted that leader before acknowledging the sender's new epoch.
     */
    record TakingOver(long epoch) implements ZabMessage {}

    /**
     * A follower saw a gap or a mismatch, or installed a snapshot: it reports its history so that the
     * leader synchronizes it again from where it really is.
     */
    record Resync(long epoch, History history) implements ZabMessage {
        public Resync {
            Objects.requireNonNull(history, "history");
        }
    }
}
