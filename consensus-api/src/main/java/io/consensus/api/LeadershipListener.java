package io.consensus.api;

/**
 * Told of every change of this member's role or of the leader it knows, step-downs included.
 * Applications use it to stop acting as leader, and attach {@link Change#era()} to side effects as a
 * fencing token: a larger era always belongs to a later leadership.
 *
 * <p>Called on the group's event thread: must return quickly and must not block or call back into
 * the group synchronously.
 */
@FunctionalInterface
public interface LeadershipListener {

    /** Called after the change took effect. */
    void onChange(Change change);

    /**
     * @param memberId this member
     * @param role     its new role
     * @param leaderId the leader it now knows, or null
     * @param era      the era of that knowledge (term, ballot round, epoch)
     */
    record Change(String memberId, Role role, String leaderId, long era) {}
}
