package io.consensus.raft;

/**
 * Deliberate bugs, for tests only: each switch breaks one safety rule so that a test (and the
 * testkit's simulation) can prove it would notice. Production code uses {@link #NONE}.
 *
 * @param skipFigure8Rule          commit an entry of an earlier term by counting replicas (paper §5.4.2,
 *                                 Figure 8 shows how such an entry is later overwritten)
 * @param acknowledgeBeforePersist a follower acknowledges entries and a leader counts itself before
 *                                 they are durable, so a crash can lose an entry a quorum "stored"
 * @param leaseWithoutDriftMargin  lease reads use the whole election timeout, with no margin for clock
 *                                 drift or tick rounding (thesis §6.4.1)
 * @param skipNoop                 a new leader appends no entry of its term and serves reads and
 *                                 proposals at once, before it knows what is committed (thesis §6.4)
 */
public record RaftFaults(boolean skipFigure8Rule, boolean acknowledgeBeforePersist, boolean leaseWithoutDriftMargin,
                         boolean skipNoop) {

    /** No fault: the correct protocol. */
    public static final RaftFaults NONE = new RaftFaults(false, false, false, false);

    /** Whether any switch is on. */
    public boolean any() {
        return skipFigure8Rule || acknowledgeBeforePersist || leaseWithoutDriftMargin || skipNoop;
    }
}
