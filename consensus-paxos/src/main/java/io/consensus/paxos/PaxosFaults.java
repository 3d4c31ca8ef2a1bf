package io.consensus.paxos;

/**
 * Deliberate bugs, for tests only: each switch breaks one rule so that a test (and the testkit's
 * simulation) can prove it notices. Production code uses {@link #NONE}.
 *
 * @param skipNoopFill            a new leader neither re-proposes what its phase-1 quorum accepted nor
 *                                fills holes with no-ops: it proposes new commands right after the
 *                                slots it knows chosen and serves reads at once (Paxos Made Simple
 *                                §3: the leader must first run phase 2 for every unfinished slot)
 * @param acceptWithoutPersist    promises and Accepted replies leave before they are durable, and the
 *                                leader counts its own acceptance at once, so a crash can make an
 *                                acceptor forget what a quorum was counted on
 * @param ignorePromisedBallot    an acceptor accepts a proposal whose ballot is below the one it
 *                                promised (breaks phase 2a/2b of Paxos Made Simple §2.2)
 * @param leaseWithoutDriftMargin lease reads use the whole election timeout, with no margin for clock
 *                                drift or tick rounding
 * @param forgetWipedSlots        after the runtime empties the log under a received snapshot, the
 *                                acceptor neither writes back the slots above it it had accepted nor
 *                                treats them as forgotten
 */
public record PaxosFaults(boolean skipNoopFill, boolean acceptWithoutPersist, boolean ignorePromisedBallot,
                          boolean leaseWithoutDriftMargin, boolean forgetWipedSlots) {

    /** No fault: the correct protocol. */
    public static final PaxosFaults NONE = new PaxosFaults(false, false, false, false, false);

    /** No fault (what {@link java.util.ServiceLoader} gets). */
    public PaxosFaults() {
        this(false, false, false, false, false);
    }

    /** Each switch alone. */
    public static final PaxosFaults SKIP_NOOP_FILL = new PaxosFaults(true, false, false, false, false);
    public static final PaxosFaults ACCEPT_WITHOUT_PERSIST = new PaxosFaults(false, true, false, false, false);
    public static final PaxosFaults IGNORE_PROMISED_BALLOT = new PaxosFaults(false, false, true, false, false);
    public static final PaxosFaults LEASE_WITHOUT_DRIFT_MARGIN = new PaxosFaults(false, false, false, true, false);
    public static final PaxosFaults FORGET_WIPED_SLOTS = new PaxosFaults(false, false, false, false, true);

    /** Whether any switch is on. */
    public boolean any() {
        return skipNoopFill || acceptWithoutPersist || ignorePromisedBallot || leaseWithoutDriftMargin
                || forgetWipedSlots;
    }
}
