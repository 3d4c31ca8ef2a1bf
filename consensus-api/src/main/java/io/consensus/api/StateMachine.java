package io.consensus.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;

/**
 * The application's replicated state. Every member applies the same commands in the same order, so
 * every implementation must be deterministic: the result of {@link #apply} may depend only on the
 * state and the command, never on clocks, randomness or the member it runs on.
 *
 * <p><b>Threading.</b> All methods of one group's state machine are called from one thread at a
 * time, in order; {@link #query} is never called concurrently with {@link #apply}.
 *
 * <p><b>Failures.</b> An exception thrown by {@code apply} is deterministic by contract: it becomes
 * the failed result of that command on every member ({@link StateMachineException}) and the state
 * machine goes on. An {@link Error} halts the member, because its state may now differ from the
 * others'.
 */
public interface StateMachine {

    /**
     * Applies one committed command.
     *
     * @param index the library's count of applied commands, starting at 1, contiguous and identical
     *              on every member whatever the protocol's own log position
     * @param command the bytes passed to {@link ConsensusGroup#submit}
     * @return the result handed to the submitter; may be empty, never null
     * @throws Exception a deterministic failure of this command (see class comment)
     */
    byte[] apply(long index, byte[] command) throws Exception;

    /**
     * Applies a run of committed commands. Override it when batching helps (one transaction for
     * many commands); the default calls {@link #apply} for each. Every command must be completed
     * with {@link PendingCommand#complete} or {@link PendingCommand#fail}, in order.
     */
    default void applyBatch(Iterator<PendingCommand> commands) {
        while (commands.hasNext()) {
            PendingCommand command = commands.next();
            try {
                command.complete(apply(command.index(), command.command()));
            } catch (Exception e) {
                command.fail(e);
            }
        }
    }

    /** Reads state without changing it. Called only once the requested consistency holds. */
    byte[] query(byte[] query) throws Exception;

    /**
     * Writes the whole state to {@code out}. The library calls it after a command was applied and
     * before the next one, and stores the bytes with the deduplication table and the membership.
     */
    void snapshot(OutputStream out) throws IOException;

    /** Replaces the whole state with one written by {@link #snapshot}. */
    void restore(InputStream in) throws IOException;

    /**
     * For state machines that persist their own state: the index of the last command they have
     * durably applied, so that on restart the library replays only what follows. Return 0 (the
     * default) if the state lives only in memory and must be rebuilt from the snapshot and log.
     */
    default long lastAppliedIndex() {
        return 0;
    }

    /** One command of a batch passed to {@link #applyBatch}. */
    interface PendingCommand {
        /** The library's index of this command (see {@link #apply}). */
        long index();

        /** The submitted bytes. */
        byte[] command();

        /** Records the command's result. */
        void complete(byte[] result);

        /** Records a deterministic failure of this command. */
        void fail(Exception failure);
    }
}
