package io.consensus.zab;

/**
 * Deliberate bugs, for tests only: each switch re-creates one ordering mistake (several of them
 * ZooKeeper shipped) so that a test, and the testkit's simulation, can show it would notice.
 * Production code uses {@link #NONE}, which is what the no-argument constructor gives.
 *
 * @param ackNewLeaderBeforePersist     a follower acknowledges NEWLEADER before the synchronized
 *                                      transactions and its current epoch are durable (ZOOKEEPER-3911)
 * @param ackNewLeaderBeforeDiffLogged  a follower acknowledges NEWLEADER as soon as it arrives, even if
 *                                      DIFF transactions it was sent have not reached its log yet: the
 *                                      race of ZOOKEEPER-4785 between logging the DIFF and the ACK
 * @param snapInMemoryOnly              a follower takes a SNAP as done when the header arrives, without
 *                                      waiting for the runtime to install the snapshot durably, and
 *                                      reports the snapshot's zxid as its own (ZOOKEEPER-3642)
 * @param skipEpochPersist              accepted and current epochs are kept in memory only, so a
 *                                      restarted member can acknowledge the same epoch twice
 * @param serveReadWithoutQuorumRound   a leader grants linearizable reads without first confirming with
 *                                      a quorum that it still leads (the flaw of sync-then-read)
 * @param leaseWithoutDriftMargin       lease reads use the whole election timeout, with no margin for
 *                                      clock drift or tick rounding
 */
public record ZabFaults(boolean ackNewLeaderBeforePersist, boolean ackNewLeaderBeforeDiffLogged,
                        boolean snapInMemoryOnly, boolean skipEpochPersist, boolean serveReadWithoutQuorumRound,
                        boolean leaseWithoutDriftMargin) {

    /** No fault: the correct protocol. */
    public static final ZabFaults NONE = new ZabFaults();

    /** No fault. */
    public ZabFaults() {
        this(false, false, false, false, false, false);
    }

    /** Whether any switch is on. */
    public boolean any() {
        return ackNewLeaderBeforePersist || ackNewLeaderBeforeDiffLogged || snapInMemoryOnly || skipEpochPersist
                || serveReadWithoutQuorumRound || leaseWithoutDriftMargin;
    }

    /** Only {@link #ackNewLeaderBeforePersist}; the other factories likewise switch on one fault each. */
    public static ZabFaults onlyAckNewLeaderBeforePersist() {
        return new ZabFaults(true, false, false, false, false, false);
    }

    public static ZabFaults onlyAckNewLeaderBeforeDiffLogged() {
        return new ZabFaults(false, true, false, false, false, false);
    }

    public static ZabFaults onlySnapInMemoryOnly() {
        return new ZabFaults(false, false, true, false, false, false);
    }

    public static ZabFaults onlySkipEpochPersist() {
        return new ZabFaults(false, false, false, true, false, false);
    }

    public static ZabFaults onlyServeReadWithoutQuorumRound() {
        return new ZabFaults(false, false, false, false, true, false);
    }

    public static ZabFaults onlyLeaseWithoutDriftMargin() {
        return new ZabFaults(false, false, false, false, false, true);
    }
}
