package io.consensus.api;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * One replicated state machine: a group of members that agree on one order of commands.
 *
 * <p>Every method may be called on any member from any thread; none blocks. Futures complete on
 * an internal thread: do not block in their callbacks.
 *
 * <pre>{@code
 * try (ConsensusGroup group = Consensus.group(config).stateMachine(new Counter()).build()) {
 *     group.start();
 *     byte[] result = group.submit("incr".getBytes()).join();
 * }
 * }</pre>
 */
public interface ConsensusGroup extends AutoCloseable {

    /** Recovers from the data directory, joins the group and starts taking part. Idempotent. */
    void start();

    /** This member's id. */
    String memberId();

    /** The group id. */
    String groupId();

    /** Submits with {@link SubmitOptions#DEFAULT}. */
    default CompletableFuture<byte[]> submit(byte[] command) {
        return submit(command, SubmitOptions.DEFAULT);
    }

    /**
     * Replicates {@code command} and applies it on every member. The future completes with the
     * state machine's result once the command is committed and applied on <em>this</em> member, so
     * a later {@code STALE} query here already sees it. Followers forward to the leader.
     *
     * <p>The future fails with a {@link ConsensusException} whose {@link ConsensusException#outcome()}
     * says whether the command certainly did not apply ({@link RejectedException}), may have
     * ({@link TimeoutException}), or did and the state machine failed ({@link StateMachineException}).
     */
    CompletableFuture<byte[]> submit(byte[] command, SubmitOptions options);

    /** Runs {@link StateMachine#query} once {@code consistency} holds. */
    CompletableFuture<byte[]> query(byte[] query, ReadConsistency consistency);

    /**
     * Changes the membership through the log. Completes once the new configuration is committed.
     * Only one change runs at a time; a concurrent one fails with {@link RejectedException}.
     */
    CompletableFuture<Void> changeMembership(MembershipChange change);

    /** Adds a voter. Shorthand for {@code changeMembership(new AddVoter(member))}. */
    default CompletableFuture<Void> addVoter(Member member) {
        return changeMembership(new MembershipChange.AddVoter(member));
    }

    /** Adds a learner (non-voting member). */
    default CompletableFuture<Void> addLearner(Member member) {
        return changeMembership(new MembershipChange.AddLearner(member));
    }

    /** Promotes a learner to voter. */
    default CompletableFuture<Void> promote(String memberId) {
        return changeMembership(new MembershipChange.Promote(memberId));
    }

    /** Removes a member. */
    default CompletableFuture<Void> removeMember(String memberId) {
        return changeMembership(new MembershipChange.Remove(memberId));
    }

    /**
     * Hands leadership to {@code memberId} once it has caught up. Completes when it leads; fails if
     * it has not taken over within an election timeout, after which this leader resumes.
     */
    CompletableFuture<Void> transferLeadership(String memberId);

    /**
     * Writes a backup of this member's applied state to {@code file}: a consistent point-in-time copy
     * taken between two applies (so a follower's backup may lag the leader by a few commands). The
     * file is written to a temporary name, forced and renamed, so it appears only when complete.
     * Applying on this member pauses while the state machine writes its snapshot.
     *
     * @return completes with what the backup holds, or fails with the I/O error
     */
    CompletableFuture<Backup> backup(Path file);

    /** This member's current view of the group. */
    GroupStatus status();

    /** Registers a listener for role and leader changes. */
    void addLeadershipListener(LeadershipListener listener);

    /** Removes a listener. */
    void removeLeadershipListener(LeadershipListener listener);

    /**
     * Leaves the group's processing: pending futures fail with {@link RejectedException} (not yet
     * proposed) or {@link TimeoutException} (outcome unknown). Durable state stays on disk.
     */
    @Override
    void close();
}
