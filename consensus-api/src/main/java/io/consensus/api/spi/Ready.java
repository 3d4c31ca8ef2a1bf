package io.consensus.api.spi;

import java.util.List;

/**
 * The work a core hands to the runtime after being stepped. The runtime carries it out in this
 * order, which is the durability contract every protocol relies on:
 *
 * <ol>
 *   <li>{@link #truncateFrom}, then {@link #entries}, then {@link #metadata} are written to the log
 *       (buffered, visible to reads at once).</li>
 *   <li>{@link #messages} are sent at once: they depend on nothing being durable (a leader's own new
 *       entries may travel before its fsync, Raft thesis 10.2.1).</li>
 *   <li>A sync is requested. Once it covers every earlier write, in Ready order:
 *       {@link #messagesAfterPersist} are sent (votes, promises, acknowledgements), the core is told
 *       {@link ProtocolCore#persisted}, {@link #committed} entries are applied, {@link #reads} are
 *       served once applied up to their index, and {@link #outcomes} complete their requests.</li>
 *   <li>{@link #snapshotsTo} members are sent this member's latest snapshot, in chunks.</li>
 * </ol>
 *
 * @param truncateFrom         remove entries from this index on before writing, or {@link #NO_TRUNCATION}
 * @param entries              entries to write (each replaces the record at its index)
 * @param metadata             new durable metadata, or null if unchanged
 * @param messages             messages that may leave now
 * @param messagesAfterPersist messages that may leave only once this Ready's writes are durable
 * @param committed            newly committed entries, in order, each exactly once
 * @param reads                reads now safe to serve at a position
 * @param outcomes             reads, membership changes and transfers that finished or failed
 * @param snapshotsTo          members that need this member's latest snapshot
 * @param stateChange          the new role/leader/era if any changed, else null
 */
public record Ready(
        long truncateFrom,
        List<LogEntry> entries,
        byte[] metadata,
        List<Outbound> messages,
        List<Outbound> messagesAfterPersist,
        List<LogEntry> committed,
        List<ReadGrant> reads,
        List<RequestOutcome> outcomes,
        List<String> snapshotsTo,
        CoreState stateChange) {

    /** {@link #truncateFrom} when nothing is truncated. */
    public static final long NO_TRUNCATION = Long.MAX_VALUE;

    /** Whether anything must be written and synced. */
    public boolean needsPersist() {
        return truncateFrom != NO_TRUNCATION || !entries.isEmpty() || metadata != null;
    }
}
