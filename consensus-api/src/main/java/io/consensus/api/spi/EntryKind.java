package io.consensus.api.spi;

/** What a {@link LogEntry}'s payload holds, and so who interprets it. */
public enum EntryKind {
    /** A batch of application commands, encoded by the runtime; opaque to protocol cores. */
    COMMANDS,
    /** Nothing to apply: a new leader's first entry, or a Paxos hole filled by a leader. */
    NOOP,
    /** A {@link io.consensus.api.Membership}, encoded with the runtime's membership codec. */
    CONFIG,
    /** Protocol-private data the runtime neither applies nor reads. */
    PROTOCOL
}
