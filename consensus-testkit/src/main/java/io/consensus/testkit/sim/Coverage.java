package io.consensus.testkit.sim;

/**
 * What a run (or a suite of runs, {@link #add added} up) exercised, so that a suite can assert it was
 * not trivially fault-free. Leader changes count distinct (member, era) leaderships; log
 * truncations count storage truncations that removed entries (outside snapshot installs); snapshot
 * installs count snapshots a member received and installed from another.
 */
public final class Coverage {

    long runs;
    long operationsOk;
    long operationsUnknown;
    long operationsFailed;
    long staleReads;
    long leaderChanges;
    long crashes;
    long quiescentLeaderCrashes;
    long lulls;
    long tornCrashes;
    long pauses;
    long partitions;
    long snapshotInstalls;
    long logTruncations;
    long membershipChanges;
    long membershipChangesRefused;
    long membershipChangesUnknown;
    long membersStarted;
    long leaderRemovals;
    long transfers;
    long transfersFailed;
    long messagesDelivered;
    long messagesDropped;
    long messagesDuplicated;
    long events;
    long virtualMillis;

    public long runs() { return runs; }
    public long operationsOk() { return operationsOk; }
    public long operationsUnknown() { return operationsUnknown; }
    public long operationsFailed() { return operationsFailed; }
    public long staleReads() { return staleReads; }
    public long leaderChanges() { return leaderChanges; }
    public long crashes() { return crashes; }
    public long tornCrashes() { return tornCrashes; }
    /** Crashes of a leader whose group was quiescent (asleep) at the time. */
    public long quiescentLeaderCrashes() { return quiescentLeaderCrashes; }
    /** Spells of several election timeouts in which the clients started nothing. */
    public long lulls() { return lulls; }
    public long pauses() { return pauses; }
    public long partitions() { return partitions; }
    public long snapshotInstalls() { return snapshotInstalls; }
    public long logTruncations() { return logTruncations; }
    /** Membership changes the operator saw committed. */
    public long membershipChanges() { return membershipChanges; }
    /** Membership changes refused (certainly not applied). */
    public long membershipChangesRefused() { return membershipChangesRefused; }
    /** Membership changes whose outcome the operator never learned. */
    public long membershipChangesUnknown() { return membershipChangesUnknown; }
    /** New members started with an empty disk to be added. */
    public long membersStarted() { return membersStarted; }
    /** Committed removals of the member that led when the removal was requested. */
    public long leaderRemovals() { return leaderRemovals; }
    /** Leadership transfers that succeeded. */
    public long transfers() { return transfers; }
    /** Leadership transfers refused or unanswered. */
    public long transfersFailed() { return transfersFailed; }
    public long messagesDelivered() { return messagesDelivered; }
    public long messagesDropped() { return messagesDropped; }
    public long messagesDuplicated() { return messagesDuplicated; }
    public long events() { return events; }
    public long virtualMillis() { return virtualMillis; }

    /** Adds {@code other}'s counts to this one's. */
    public synchronized Coverage add(Coverage other) {
        runs += other.runs;
        operationsOk += other.operationsOk;
        operationsUnknown += other.operationsUnknown;
        operationsFailed += other.operationsFailed;
        staleReads += other.staleReads;
        leaderChanges += other.leaderChanges;
        crashes += other.crashes;
        quiescentLeaderCrashes += other.quiescentLeaderCrashes;
        lulls += other.lulls;
        tornCrashes += other.tornCrashes;
        pauses += other.pauses;
        partitions += other.partitions;
        snapshotInstalls += other.snapshotInstalls;
        logTruncations += other.logTruncations;
        membershipChanges += other.membershipChanges;
        membershipChangesRefused += other.membershipChangesRefused;
        membershipChangesUnknown += other.membershipChangesUnknown;
        membersStarted += other.membersStarted;
        leaderRemovals += other.leaderRemovals;
        transfers += other.transfers;
        transfersFailed += other.transfersFailed;
        messagesDelivered += other.messagesDelivered;
        messagesDropped += other.messagesDropped;
        messagesDuplicated += other.messagesDuplicated;
        events += other.events;
        virtualMillis += other.virtualMillis;
        return this;
    }

    @Override
    public synchronized String toString() {
        return "runs=" + runs + " ops(ok=" + operationsOk + " unknown=" + operationsUnknown + " failed=" + operationsFailed
                + " stale=" + staleReads + ") leaderChanges=" + leaderChanges + " crashes=" + crashes + " (torn "
                + tornCrashes + ", quiescent leaders " + quiescentLeaderCrashes + ") lulls=" + lulls + " pauses=" + pauses + " partitions=" + partitions + " snapshotInstalls="
                + snapshotInstalls + " logTruncations=" + logTruncations + " membershipChanges=" + membershipChanges
                + " (refused " + membershipChangesRefused + ", unknown " + membershipChangesUnknown + "; members started "
                + membersStarted + ", leaders removed " + leaderRemovals + ") transfers=" + transfers + " (failed "
                + transfersFailed + ") messages(delivered=" + messagesDelivered + " dropped=" + messagesDropped + " duplicated="
                + messagesDuplicated + ") events=" + events + " virtualMillis=" + virtualMillis;
    }
}
