package io.consensus.core.protocol;

/**
 * What a leader tracks of one follower: the highest position known stored there, the next position
 * to send, and a bounded window of batches in flight so a slow follower is not flooded.
 *
 * <p>Pipelining: while probing (after a mismatch or at the start of a leadership) one batch is in
 * flight; once a send is acknowledged the follower is replicating and up to {@code maxInflight}
 * batches travel at once.
 */
public final class Progress {

    private final String memberId;
    private final int maxInflight;
    private long matchIndex;
    private long nextIndex;
    // End index of each batch in flight, oldest first: an acknowledgement frees exactly the batches
    // it covers, so duplicated or stale acknowledgements cannot open the window wider.
    private final java.util.ArrayDeque<Long> inflightEnds = new java.util.ArrayDeque<>();
    private boolean probing = true;
    private boolean recentlyActive;
    private long lastContactTick;

    public Progress(String memberId, long nextIndex, int maxInflight) {
        if (maxInflight < 1) {
            throw new IllegalArgumentException("maxInflight must be >= 1, was " + maxInflight);
        }
        this.memberId = memberId;
        this.nextIndex = nextIndex;
        this.maxInflight = maxInflight;
    }

    public String memberId() { return memberId; }
    public long matchIndex() { return matchIndex; }
    public long nextIndex() { return nextIndex; }
    public int inflight() { return inflightEnds.size(); }
    public boolean probing() { return probing; }
    public long lastContactTick() { return lastContactTick; }

    /** Whether another batch may be sent now. */
    public boolean canSend() {
        return inflightEnds.size() < (probing ? 1 : maxInflight);
    }

    /** A batch ending at {@code lastIndex} was sent. */
    public void sent(long lastIndex) {
        inflightEnds.addLast(lastIndex);
        if (!probing) {
            nextIndex = Math.max(nextIndex, lastIndex + 1);
        }
    }

    /**
     * The follower stored everything up to {@code index}.
     *
     * @return whether the match index advanced
     */
    public boolean acknowledged(long index, long tick) {
        markContact(tick);
        while (!inflightEnds.isEmpty() && inflightEnds.peekFirst() <= index) {
            inflightEnds.removeFirst();
        }
        probing = false;
        if (index <= matchIndex) {
            return false;
        }
        matchIndex = index;
        nextIndex = Math.max(nextIndex, index + 1);
        return true;
    }

    /** The follower's log did not match; resend from {@code newNextIndex}, one batch at a time. */
    public void rejected(long newNextIndex, long tick) {
        markContact(tick);
        inflightEnds.clear();
        probing = true;
        nextIndex = Math.max(matchIndex + 1, newNextIndex);
    }

    /** Nothing in flight is expected to arrive (e.g. a heartbeat round passed): allow one resend. */
    public void resetInflight() {
        inflightEnds.clear();
        if (probing) {
            return;
        }
        nextIndex = matchIndex + 1;
    }

    /** The follower was heard from. */
    public void markContact(long tick) {
        recentlyActive = true;
        lastContactTick = tick;
    }

    /** Reads and clears whether the follower was heard from since the last call (CheckQuorum). */
    public boolean takeRecentlyActive() {
        boolean active = recentlyActive;
        recentlyActive = false;
        return active;
    }

    @Override
    public String toString() {
        return memberId + "{match=" + matchIndex + ", next=" + nextIndex + ", inflight=" + inflightEnds.size()
                + (probing ? ", probing" : "") + "}";
    }
}
