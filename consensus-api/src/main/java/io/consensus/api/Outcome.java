package io.consensus.api;

/** What a failed request tells the caller about whether its command took effect. */
public enum Outcome {
    /** Certainly not applied, now or later: safe to retry, even without a request id. */
    NOT_APPLIED,
    /** May have been applied, or may still be: retry only with the same request id. */
    UNKNOWN,
    /** Applied on every member, and the state machine returned a failure for it. */
    APPLIED
}
