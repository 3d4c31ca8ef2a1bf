package io.consensus.core.protocol;

import io.consensus.api.spi.CoreState;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.Outbound;
import io.consensus.api.spi.ProtocolMessage;
import io.consensus.api.spi.ReadGrant;
import io.consensus.api.spi.Ready;
import io.consensus.api.spi.RequestOutcome;
import java.util.ArrayList;
import java.util.List;

/** Collects a core's outputs between two {@link io.consensus.api.spi.ProtocolCore#ready()} calls. */
public final class ReadyBuilder {

    private final PendingLog log;
    private List<Outbound> messages = new ArrayList<>();
    private List<Outbound> messagesAfterPersist = new ArrayList<>();
    private List<LogEntry> committed = new ArrayList<>();
    private List<ReadGrant> reads = new ArrayList<>();
    private List<RequestOutcome> outcomes = new ArrayList<>();
    private List<String> snapshotsTo = new ArrayList<>();
    private CoreState stateChange;

    public ReadyBuilder(PendingLog log) {
        this.log = log;
    }

    /** Sends now: the message depends on nothing being durable. */
    public void send(String to, ProtocolMessage message) {
        messages.add(new Outbound(to, message));
    }

    /** Sends once everything written so far is durable (votes, promises, acknowledgements). */
    public void sendAfterPersist(String to, ProtocolMessage message) {
        messagesAfterPersist.add(new Outbound(to, message));
    }

    /** Hands a newly committed entry to the runtime for applying. */
    public void commit(LogEntry entry) {
        committed.add(entry);
    }

    /** A read is safe once applied up to {@code index}. */
    public void grantRead(long readId, long index) {
        reads.add(new ReadGrant(readId, index));
    }

    /** A request finished or failed. */
    public void outcome(RequestOutcome outcome) {
        outcomes.add(outcome);
    }

    /** The member needs this member's latest snapshot. */
    public void sendSnapshot(String to) {
        if (!snapshotsTo.contains(to)) {
            snapshotsTo.add(to);
        }
    }

    /** Role, leader or era changed. */
    public void stateChanged(CoreState state) {
        stateChange = state;
    }

    /** Whether anything waits to be handed out. */
    public boolean hasReady() {
        return log.hasPending() || !messages.isEmpty() || !messagesAfterPersist.isEmpty() || !committed.isEmpty()
                || !reads.isEmpty() || !outcomes.isEmpty() || !snapshotsTo.isEmpty() || stateChange != null;
    }

    /** Builds the Ready and starts collecting afresh. */
    public Ready build() {
        PendingLog.Drained writes = log.drain();
        Ready ready = new Ready(writes.truncateFrom(), writes.entries(), writes.metadata(), messages,
                messagesAfterPersist, committed, reads, outcomes, snapshotsTo, stateChange);
        messages = new ArrayList<>();
        messagesAfterPersist = new ArrayList<>();
        committed = new ArrayList<>();
        reads = new ArrayList<>();
        outcomes = new ArrayList<>();
        snapshotsTo = new ArrayList<>();
        stateChange = null;
        return ready;
    }
}
