package io.consensus.paxos;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.Outbound;
import io.consensus.api.spi.Ready;
import io.consensus.api.spi.SnapshotMeta;
import io.consensus.api.spi.SnapshotStore;
import io.consensus.paxos.PaxosMessage.Accept;
import io.consensus.paxos.PaxosMessage.Accepted;
import io.consensus.paxos.PaxosMessage.Heartbeat;
import io.consensus.paxos.PaxosMessage.Learn;
import io.consensus.paxos.PaxosMessage.Nack;
import io.consensus.paxos.PaxosMessage.Prepare;
import io.consensus.paxos.PaxosMessage.ProbeGranted;
import io.consensus.paxos.PaxosMessage.Promise;
import io.consensus.storage.memory.MemoryNodeStorage;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * One acceptor stepped directly, one rule of Paxos Made Simple §2.2-2.3 (and of the persistence
 * contract) per test.
 */
class PaxosStepTest {

    static final Membership ABC = Membership.ofVoters(new TreeSet<>(List.of(Member.local("a"), Member.local("b"),
            Member.local("c"))));
    static final long B3 = Ballot.of(3, 2);
    static final long B4 = Ballot.of(4, 2);
    static final long B5 = Ballot.of(5, 3);

    /** Member "a" on the in-memory storage; Readies' writes are applied to it. */
    static final class One {
        final MemoryNodeStorage storage = new MemoryNodeStorage();
        final LogStorage log = storage.open(PaxosCluster.identity("a"));
        final PaxosCore core;

        One(boolean fresh) {
            ConsensusConfig config = ConsensusConfig.builder().protocol("paxos").memberId("a")
                    .members(List.copyOf(ABC.voters())).storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE)
                    .tick(Duration.ofMillis(1)).electionTimeout(Duration.ofMillis(10))
                    .heartbeatInterval(Duration.ofMillis(2)).build();
            core = new PaxosCore(new CoreContext(config, log, fresh ? null : ABC, new Random(1), fresh), PaxosFaults.NONE);
            step(() -> { });
        }

        Ready step(Runnable input) {
            input.run();
            Ready ready = core.ready();
            if (!ready.entries().isEmpty()) {
                log.write(ready.entries());
            }
            if (ready.metadata() != null) {
                log.writeMetadata(ready.metadata());
            }
            storage.sync();
            return ready;
        }

        Ready receive(String from, PaxosMessage message) {
            return step(() -> core.receive(from, message));
        }
    }

    static LogEntry entry(long slot, long ballot, String value) {
        return new LogEntry(slot, ballot, EntryKind.COMMANDS, value.getBytes());
    }

    static <M> List<M> messages(List<Outbound> outbound, Class<M> type) {
        return outbound.stream().map(Outbound::message).filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aPromiseIsDurableBeforeItLeaves() {
        One a = new One(false);
        Ready ready = a.receive("b", new Prepare(B3, 1, Ballot.NONE, false));
        assertThat(ready.metadata()).isNotNull();
        PaxosMetadata metadata = PaxosMetadata.decode(ready.metadata());
        assertThat(metadata.promised()).isEqualTo(B3);
        assertThat(metadata.promisedBy()).isEqualTo("b");
        assertThat(messages(ready.messages(), Promise.class)).isEmpty();
        assertThat(messages(ready.messagesAfterPersist(), Promise.class)).singleElement()
                .satisfies(p -> assertThat(p.last()).isTrue());
    }

    @Test
    void aProbeChangesNothing() {
        One a = new One(false);
        Ready ready = a.receive("b", new Prepare(B3, 1, Ballot.NONE, true));
        assertThat(ready.metadata()).isNull();
        assertThat(messages(ready.messages(), ProbeGranted.class)).hasSize(1);
        assertThat(a.core.promised()).isEqualTo(Ballot.NONE);
    }

    @Test
    void aLowerBallotIsRefusedAndTheSameBallotFromAnotherMemberMovesEveryoneOn() {
        One a = new One(false);
        a.receive("b", new Prepare(B4, 1, Ballot.NONE, false));
        Ready lower = a.receive("c", new Prepare(B3, 1, Ballot.NONE, false));
        assertThat(messages(lower.messages(), Nack.class)).containsExactly(new Nack(B3, B4));
        assertThat(lower.metadata()).isNull();
        Ready same = a.receive("c", new Prepare(B4, 1, Ballot.NONE, false));
        assertThat(messages(same.messages(), Nack.class)).containsExactly(new Nack(B4, Ballot.markerAbove(B4)));
        assertThat(a.core.promised()).isEqualTo(Ballot.markerAbove(B4));
        Ready renewed = a.receive("c", new Prepare(Ballot.of(5, 1), 1, Ballot.NONE, false));
        assertThat(messages(renewed.messagesAfterPersist(), Promise.class)).hasSize(1);
    }

    @Test
    void acceptingReplacesOnlyItsSlotAndLeavesHoles() {
        One a = new One(false);
        Ready first = a.receive("b", new Accept(B3, 0, List.of(entry(3, B3, "v3"), entry(5, B3, "v5"))));
        assertThat(first.truncateFrom()).isEqualTo(Ready.NO_TRUNCATION);
        assertThat(first.entries()).extracting(LogEntry::index).containsExactly(3L, 5L);
        assertThat(messages(first.messages(), Accepted.class)).isEmpty(); // only once durable
        assertThat(messages(first.messagesAfterPersist(), Accepted.class)).containsExactly(new Accepted(B3, 3, 5, 0));
        assertThat(a.log.entry(4)).isNull();
        Ready second = a.receive("c", new Accept(B5, 0, List.of(entry(3, B5, "w3"))));
        assertThat(second.entries()).extracting(LogEntry::index).containsExactly(3L);
        assertThat(new String(a.log.entry(3).payload())).isEqualTo("w3");
        assertThat(new String(a.log.entry(5).payload())).isEqualTo("v5"); // a higher slot stays accepted
        assertThat(a.log.entry(5).era()).isEqualTo(B3);
    }

    @Test
    void anAcceptBelowThePromiseIsRefused() {
        One a = new One(false);
        a.receive("c", new Prepare(B5, 1, Ballot.NONE, false));
        Ready stale = a.receive("b", new Accept(B3, 0, List.of(entry(1, B3, "stale"))));
        assertThat(stale.entries()).isEmpty();
        assertThat(messages(stale.messages(), Nack.class)).containsExactly(new Nack(B3, B5));
        assertThat(a.log.entry(1)).isNull();
    }

    @Test
    void aPromiseReportsWhatWasAcceptedFromTheRequestedSlotOn() {
        One a = new One(false);
        a.receive("b", new Accept(B3, 0, List.of(entry(2, B3, "v2"), entry(4, B3, "v4"))));
        a.receive("c", new Accept(B4, 0, List.of(entry(6, B4, "v6"))));
        Ready ready = a.receive("c", new Prepare(B5, 3, Ballot.NONE, false));
        Promise promise = messages(ready.messagesAfterPersist(), Promise.class).get(0);
        assertThat(promise.fromSlot()).isEqualTo(3);
        assertThat(promise.entries()).extracting(LogEntry::index).containsExactly(4L, 6L);
        assertThat(promise.entries()).extracting(LogEntry::era).containsExactly(B3, B4);
        assertThat(promise.last()).isTrue();
        assertThat(promise.chunkTo()).isEqualTo(6);
    }

    @Test
    void chosenSlotsAreHandedOutInSlotOrderOnly() {
        One a = new One(false);
        Ready accepted = a.receive("b", new Accept(B3, 3, List.of(entry(1, B3, "v1"), entry(3, B3, "v3"))));
        assertThat(accepted.committed()).extracting(LogEntry::index).containsExactly(1L); // slot 2 is missing
        Ready heartbeat = a.receive("b", new Heartbeat(B3, 3, 1));
        assertThat(heartbeat.committed()).isEmpty();
        Ready learnt = a.receive("b", new Learn(B3, 0, ABC, List.of(entry(2, Ballot.of(2, 1), "v2"), entry(3, B3, "v3"))));
        assertThat(learnt.committed()).extracting(LogEntry::index).containsExactly(2L, 3L);
        assertThat(a.core.commitIndex()).isEqualTo(3);
    }

    @Test
    void aMemberThatLostItsDiskPromisesNothingUntilBroughtUpToDateAndThenOnlyAboveThatBallot() {
        One a = new One(true);
        assertThat(PaxosMetadata.decode(a.log.metadata()).joined()).isEqualTo(PaxosMetadata.NOT_JOINED);
        Ready prepare = a.receive("b", new Prepare(B3, 1, Ballot.NONE, false));
        assertThat(messages(prepare.messages(), Nack.class)).hasSize(1);
        Ready accept = a.receive("b", new Accept(B3, 0, List.of(entry(1, B3, "v1"))));
        assertThat(accept.entries()).isEmpty();
        a.receive("b", new Learn(B3, 0, ABC, List.of(entry(1, B3, "v1"))));
        a.receive("b", new Heartbeat(B3, 1, 1));
        assertThat(a.core.joined).isEqualTo(B3);
        assertThat(a.core.membership()).isEqualTo(ABC); // learnt from the Learn
        Ready sameBallot = a.receive("b", new Accept(B3, 1, List.of(entry(2, B3, "v2"))));
        assertThat(sameBallot.entries()).isEmpty();
        assertThat(messages(sameBallot.messages(), Nack.class)).containsExactly(new Nack(B3, Ballot.markerAbove(B3)));
        Ready above = a.receive("b", new Prepare(B4, 2, Ballot.NONE, false));
        assertThat(messages(above.messagesAfterPersist(), Promise.class)).hasSize(1);
    }

    @Test
    void slotsAcceptedAboveASnapshotThatEmptiedTheLogAreWrittenBack() throws Exception {
        One a = new One(false);
        a.receive("b", new Accept(B3, 0, List.of(entry(5, B3, "v5"), entry(6, B3, "v6"))));
        // The runtime installs a snapshot at 3 whose slot a does not have, and empties the log.
        SnapshotMeta meta = new SnapshotMeta(3, B3, 3, ABC);
        try (SnapshotStore.Writer writer = a.log.snapshots().begin(meta)) {
            writer.output().write(1);
            writer.install();
        }
        a.log.truncateFrom(a.log.firstIndex());
        a.log.compactUpTo(3);
        assertThat(a.log.entry(5)).isNull();
        Ready ready = a.step(() -> a.core.snapshotInstalled("b", meta));
        assertThat(ready.entries()).extracting(LogEntry::index).containsExactly(5L, 6L);
        assertThat(new String(a.log.entry(6).payload())).isEqualTo("v6");
        assertThat(a.core.amnesiaUntil).isZero();
        assertThat(a.core.commitIndex()).isEqualTo(3);
    }

    @Test
    void aCrashBetweenTheWipeAndTheRewriteMakesTheAcceptorSayItMayHaveForgotten() throws Exception {
        One a = new One(false);
        a.receive("b", new Accept(B3, 0, List.of(entry(5, B3, "v5"))));
        SnapshotMeta meta = new SnapshotMeta(3, B3, 3, ABC);
        try (SnapshotStore.Writer writer = a.log.snapshots().begin(meta)) {
            writer.output().write(1);
            writer.install();
        }
        a.log.truncateFrom(a.log.firstIndex());
        a.log.compactUpTo(3);
        a.storage.sync(); // the wipe became durable; the crash comes before the rewrite
        MemoryNodeStorage restarted = a.storage.crash();
        LogStorage log = restarted.open(PaxosCluster.identity("a"));
        ConsensusConfig config = ConsensusConfig.builder().protocol("paxos").memberId("a")
                .members(List.copyOf(ABC.voters())).storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE)
                .tick(Duration.ofMillis(1)).electionTimeout(Duration.ofMillis(10)).heartbeatInterval(Duration.ofMillis(2))
                .build();
        PaxosCore core = new PaxosCore(new CoreContext(config, log, null, new Random(1), false), PaxosFaults.NONE);
        assertThat(core.amnesiaUntil).isEqualTo(5);
        for (int i = 0; i < 10; i++) {
            core.tick(); // a restarted acceptor first waits out the lease of the leader it may have followed
        }
        core.ready();
        core.receive("c", new Prepare(B5, 4, Ballot.NONE, false));
        Promise promise = messages(core.ready().messagesAfterPersist(), Promise.class).get(0);
        assertThat(promise.forgotThrough()).isEqualTo(5);
    }
}
