package io.consensus.api;

/**
 * {@link StateMachine#apply} threw for this command. Exceptions from {@code apply} are deterministic
 * by contract, so every member recorded the same failure; the command's outcome is
 * {@link Outcome#APPLIED}. The cause is the exception thrown on this member.
 */
public final class StateMachineException extends ConsensusException {

    public StateMachineException(String message, Throwable cause) {
        super(Outcome.APPLIED, message, cause);
    }
}
