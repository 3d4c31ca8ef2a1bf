package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.Role;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.Outbound;
import io.consensus.api.spi.Ready;
import io.consensus.storage.memory.MemoryNodeStorage;
import io.consensus.zab.ZabMessage.Ack;
import io.consensus.zab.ZabMessage.AckEpoch;
import io.consensus.zab.ZabMessage.Diff;
import io.consensus.zab.ZabMessage.EpochRange;
import io.consensus.zab.ZabMessage.FollowerInfo;
import io.consensus.zab.ZabMessage.History;
import io.consensus.zab.ZabMessage.NewEpoch;
import io.consensus.zab.ZabMessage.NewLeader;
import io.consensus.zab.ZabMessage.Notification;
import io.consensus.zab.ZabMessage.PeerState;
import io.consensus.zab.ZabMessage.Proposal;
import io.consensus.zab.ZabMessage.Resync;
import io.consensus.zab.ZabMessage.Vote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * One core stepped by hand, one test per rule of the paper's phases (Junqueira, Reed and Serafini,
 * DSN 2011, §IV) and of ZooKeeper's ordering fixes: what leaves at once, what only after the sync,
 * and which writes share a Ready.
 */
class ZabPhasesTest {

    /** One core over real in-memory storage; the test plays every other member. */
    static final class Probe {
        final MemoryNodeStorage storage = new MemoryNodeStorage();
        final LogStorage log;
        final ZabCore core;
        final List<Ready> readies = new ArrayList<>();

        Probe(String self, boolean fresh) {
            List<Member> members = List.of(Member.local("a"), Member.local("b"), Member.local("c"));
            List<Member> configured = new ArrayList<>(members); // the bootstrap voters, and self
            if (!members.contains(Member.local(self))) {
                configured.add(Member.local(self));
            }
            ConsensusConfig config = ConsensusConfig.builder().memberId(self).members(configured).protocol("zab")
                    .storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE).tick(Duration.ofMillis(1))
                    .electionTimeout(Duration.ofMillis(10)).heartbeatInterval(Duration.ofMillis(2)).build();
            log = storage.open(new GroupIdentity("cluster", "g", "zab", self));
            Membership bootstrap = fresh ? null : Membership.ofVoters(new TreeSet<>(members));
            core = new ZabCore(new CoreContext(config, log, bootstrap, new SplittableRandom(1), fresh), ZabFaults.NONE);
            drain();
            sync();
        }

        /** Takes the core's Readies and writes them, as the runtime does (not yet durable). */
        List<Ready> drain() {
            List<Ready> taken = new ArrayList<>();
            while (core.hasReady()) {
                Ready ready = core.ready();
                if (ready.truncateFrom() != Ready.NO_TRUNCATION) {
                    log.truncateFrom(ready.truncateFrom());
                }
                log.write(ready.entries());
                if (ready.metadata() != null) {
                    log.writeMetadata(ready.metadata());
                }
                taken.add(ready);
            }
            readies.addAll(taken);
            return taken;
        }

        List<Ready> receive(String from, ZabMessage message) {
            core.receive(from, message);
            return drain();
        }

        void sync() {
            storage.sync();
            long last = core.lastIndex();
            core.persisted(last, core.eraAt(last));
            drain();
        }

        List<Ready> tick(int ticks) {
            List<Ready> taken = new ArrayList<>();
            for (int i = 0; i < ticks; i++) {
                core.tick();
                taken.addAll(drain());
            }
            return taken;
        }
    }

    private static List<ZabMessage> sent(List<Ready> readies, String to) {
        List<ZabMessage> messages = new ArrayList<>();
        for (Ready ready : readies) {
            for (Outbound out : ready.messages()) {
                if (out.to().equals(to)) {
                    messages.add((ZabMessage) out.message());
                }
            }
        }
        return messages;
    }

    private static List<ZabMessage> sentAfterPersist(List<Ready> readies, String to) {
        List<ZabMessage> messages = new ArrayList<>();
        for (Ready ready : readies) {
            for (Outbound out : ready.messagesAfterPersist()) {
                if (out.to().equals(to)) {
                    messages.add((ZabMessage) out.message());
                }
            }
        }
        return messages;
    }

    private static Notification leading(String leader, long epoch) {
        return new Notification(1, PeerState.LEADING, true, new Vote(leader, epoch, 0, 1), epoch);
    }

    /** A follows c and accepts epoch {@code epoch}. */
    private static Probe followerInSync(long epoch) {
        Probe a = new Probe("a", false);
        List<Ready> readies = a.receive("c", leading("c", 0));
        assertThat(sent(readies, "c")).anyMatch(m -> m instanceof FollowerInfo);
        a.receive("c", new NewEpoch(epoch));
        a.sync();
        return a;
    }

    @Test
    void discoveryTheFollowerMakesTheAcceptedEpochDurableBeforeAckEpoch() {
        Probe a = new Probe("a", false);
        a.receive("c", leading("c", 0));
        List<Ready> readies = a.receive("c", new NewEpoch(3));
        Ready ready = readies.get(0);
        assertThat(ZabMetadata.decode(ready.metadata()).acceptedEpoch()).isEqualTo(3);
        assertThat(ZabMetadata.decode(ready.metadata()).acceptedLeader()).isEqualTo("c");
        assertThat(sent(readies, "c")).noneMatch(m -> m instanceof AckEpoch);
        AckEpoch ack = (AckEpoch) sentAfterPersist(readies, "c").get(0);
        assertThat(ack.epoch()).isEqualTo(3);
        assertThat(ack.counted()).isTrue();
        assertThat(ack.currentEpoch()).isZero();
        assertThat(ack.history().lastIndex()).isEqualTo(1); // the bootstrap configuration
    }

    @Test
    void discoveryTheFollowerNeverAcknowledgesAnEpochBelowItsAcceptedOne() {
        Probe a = followerInSync(5);
        Probe b = new Probe("a", false);
        assertThat(b.core.metadata().acceptedEpoch()).isZero();
        assertThat(a.core.metadata().acceptedEpoch()).isEqualTo(5);
        // Its leader is gone; b offers an older epoch: refused, back to election.
        a.tick(a.core.electionTicks);
        a.receive("b", leading("b", 5));
        List<Ready> readies = a.receive("b", new NewEpoch(4));
        assertThat(sentAfterPersist(readies, "b")).noneMatch(m -> m instanceof AckEpoch);
        assertThat(a.core.role()).isEqualTo(ZabCore.ZabRole.LOOKING);
    }

    /**
     * A leader counts a member's answers to its rounds by the leader's configuration, which may already
     * make a learner a voter that the learner's own log does not yet show: so every member, voting or
     * not, waits out the lease it granted before it acknowledges another epoch.
     */
    @Test
    void discoveryEvenAMemberThatDoesNotVoteWaitsOutItsLeaseBeforeAcknowledgingANewEpoch() {
        Probe a = new Probe("a", true); // fresh: it follows, but does not vote
        a.receive("c", leading("c", 0));
        a.receive("c", new NewEpoch(1));
        a.sync();
        List<Ready> early = a.receive("c", new NewEpoch(2)); // c leads again, in a newer epoch
        assertThat(sentAfterPersist(early, "c")).noneMatch(m -> m instanceof AckEpoch);
        a.tick(a.core.electionTicks - 1);
        List<Ready> stillEarly = a.receive("c", new NewEpoch(2)); // repeated, as the leader does
        assertThat(sentAfterPersist(stillEarly, "c")).noneMatch(m -> m instanceof AckEpoch);
        a.tick(1);
        List<Ready> later = a.receive("c", new NewEpoch(2));
        assertThat(sentAfterPersist(later, "c")).anyMatch(m -> m instanceof AckEpoch ack && ack.epoch() == 2);
    }

    @Test
    void discoveryAnEpochAlreadyAcknowledgedToAnotherLeaderIsAcknowledgedUncounted() {
        Probe a = followerInSync(5);
        a.tick(a.core.electionTicks); // c is gone
        a.receive("b", leading("b", 5));
        List<Ready> readies = a.receive("b", new NewEpoch(5));
        AckEpoch ack = (AckEpoch) sentAfterPersist(readies, "b").get(0);
        assertThat(ack.counted()).isFalse();
    }

    @Test
    void synchronizationNewLeaderIsAcknowledgedAfterTheHistoryAndCurrentEpochAreDurable() {
        Probe a = followerInSync(1);
        a.receive("c", new Diff(1, 1, 0));
        List<Ready> entries = a.receive("c", new Proposal(1, 1, 0, List.of(LogEntry.noop(2, 1)), 0));
        assertThat(entries.get(0).entries()).extracting(LogEntry::index).containsExactly(2L);
        assertThat(sent(entries, "c")).noneMatch(m -> m instanceof Ack);
        List<Ready> readies = a.receive("c", new NewLeader(1, 2));
        Ready ready = readies.get(0);
        // f.a := e is written after the synchronized transactions (here in an earlier Ready) ...
        assertThat(ZabMetadata.decode(ready.metadata()).currentEpoch()).isEqualTo(1);
        // ... and the ACK leaves only once that is durable.
        assertThat(sent(readies, "c")).noneMatch(m -> m instanceof Ack);
        Ack ack = (Ack) sentAfterPersist(readies, "c").get(0);
        assertThat(ack.synced()).isTrue();
        assertThat(ack.index()).isEqualTo(2);
    }

    @Test
    void synchronizationNewLeaderBeforeItsTransactionsAskForThemInsteadOfAcknowledging() {
        Probe a = followerInSync(1);
        List<Ready> readies = a.receive("c", new NewLeader(1, 2));
        assertThat(sentAfterPersist(readies, "c")).noneMatch(m -> m instanceof Ack);
        assertThat(sent(readies, "c")).anyMatch(m -> m instanceof Resync);
        assertThat(a.core.metadata().currentEpoch()).isZero();
    }

    @Test
    void synchronizationTruncReplacesOnlyTransactionsThatConflict() {
        Probe a = followerInSync(1);
        a.receive("c", new Diff(1, 1, 0));
        a.receive("c", new Proposal(1, 1, 0, List.of(new LogEntry(2, 1, EntryKind.COMMANDS, new byte[] {1}),
                new LogEntry(3, 1, EntryKind.COMMANDS, new byte[] {2})), 0));
        a.sync();
        // A later leader whose history has (2, epoch 1) but not (3, epoch 1): TRUNC after 2.
        a.tick(a.core.electionTicks);
        a.receive("b", leading("b", 2));
        a.receive("b", new NewEpoch(2));
        a.receive("b", new ZabMessage.Trunc(2, 2, 1));
        List<Ready> readies = a.receive("b", new Proposal(2, 2, 1, List.of(LogEntry.noop(3, 2)), 0));
        assertThat(readies.get(0).truncateFrom()).isEqualTo(3);
        assertThat(readies.get(0).entries()).extracting(LogEntry::era).containsExactly(2L);
        assertThat(a.log.entry(2).era()).isEqualTo(1);
    }

    @Test
    void broadcastAProposalIsAcknowledgedOnlyOnceDurable() {
        Probe a = followerInSync(1);
        a.receive("c", new Proposal(1, 1, 0, List.of(LogEntry.noop(2, 1)), 0));
        a.receive("c", new NewLeader(1, 2));
        a.sync();
        List<Ready> readies = a.receive("c", new Proposal(1, 2, 1,
                List.of(new LogEntry(3, 1, EntryKind.COMMANDS, new byte[] {7})), 2));
        assertThat(readies.get(0).entries()).hasSize(1);
        assertThat(sent(readies, "c")).noneMatch(m -> m instanceof Ack);
        assertThat(((Ack) sentAfterPersist(readies, "c").get(0)).index()).isEqualTo(3);
        // Commit of 2 was known; 3 is committed only when the leader says so and it is durable here.
        assertThat(readies.get(0).committed()).extracting(LogEntry::index).containsExactly(1L, 2L);
    }

    @Test
    void broadcastAFollowerNeverStoresPastAGap() {
        Probe a = followerInSync(1);
        a.receive("c", new Proposal(1, 1, 0, List.of(LogEntry.noop(2, 1)), 0));
        a.receive("c", new NewLeader(1, 2));
        a.sync();
        long commit = a.core.commitIndex();
        List<Ready> readies = a.receive("c", new Proposal(1, 3, 1,
                List.of(new LogEntry(4, 1, EntryKind.COMMANDS, new byte[] {7})), 4));
        assertThat(readies).allMatch(r -> r.entries().isEmpty() && r.committed().isEmpty());
        assertThat(sent(readies, "c")).anyMatch(m -> m instanceof Resync);
        assertThat(a.core.lastIndex()).isEqualTo(2);
        assertThat(a.core.commitIndex()).as("the commit point past the gap is not taken").isEqualTo(commit);
    }

    /** c, elected by a and b's votes, connects them and picks the epoch. */
    private static Probe prospectiveLeader(long acceptedA, long acceptedB) {
        Probe c = new Probe("c", false);
        Vote forC = new Vote("c", 0, 0, 1);
        c.receive("a", new Notification(1, PeerState.LOOKING, true, forC, acceptedA));
        c.receive("b", new Notification(1, PeerState.LOOKING, true, forC, acceptedB));
        c.tick(2);
        assertThat(c.core.role()).isEqualTo(ZabCore.ZabRole.LEADING);
        c.receive("b", new FollowerInfo(acceptedB, false));
        c.receive("a", new FollowerInfo(acceptedA, false));
        return c;
    }

    private static History history(long currentEra, long lastIndex) {
        List<EpochRange> ranges = new ArrayList<>();
        ranges.add(new EpochRange(0, 1, 1));
        if (lastIndex > 1) {
            ranges.add(new EpochRange(currentEra, 2, lastIndex));
        }
        return new History(0, 0, lastIndex, lastIndex > 1 ? currentEra : 0, ranges);
    }

    @Test
    void discoveryTheLeaderProposesAnEpochAboveEveryAcceptedOneOnceItsOwnIsDurable() {
        Probe c = prospectiveLeader(4, 7);
        assertThat(c.core.metadata().acceptedEpoch()).isEqualTo(8);
        List<ZabMessage> toB = sentAfterPersist(c.readies, "b");
        assertThat(toB).contains(new NewEpoch(8));
        assertThat(sentAfterPersist(c.readies, "a")).contains(new NewEpoch(8)); // a connected later
        assertThat(sent(c.readies, "b")).noneMatch(m -> m instanceof NewEpoch);
        assertThat(c.core.state().role()).isEqualTo(Role.CANDIDATE);
    }

    @Test
    void discoveryTheLeaderGivesUpWhenAnAckEpochShowsAMoreRecentHistory() {
        Probe c = prospectiveLeader(1, 1);
        c.receive("a", new AckEpoch(2, 1, true, history(1, 5)));
        assertThat(c.core.role()).isEqualTo(ZabCore.ZabRole.LOOKING);
    }

    @Test
    void synchronizationTheLeaderSendsDiffThenNewLeaderAndCommitsOnAQuorumOfSyncedAcks() {
        Probe c = prospectiveLeader(0, 0);
        c.sync();
        List<Ready> readies = c.receive("a", new AckEpoch(1, 0, true, history(0, 1)));
        // Discovery is over: the epoch's first transaction (zxid (1, 0)) closes the initial history.
        assertThat(c.core.metadata().currentEpoch()).isEqualTo(1);
        assertThat(readies.get(0).entries()).extracting(LogEntry::index, LogEntry::era, LogEntry::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 1L, EntryKind.NOOP));
        List<ZabMessage> toA = sent(readies, "a");
        assertThat(toA.get(0)).isEqualTo(new Diff(1, 1, 0));
        assertThat(toA).anyMatch(m -> m instanceof Proposal).anyMatch(m -> m.equals(new NewLeader(1, 2)));
        c.sync();
        assertThat(c.core.commitIndex()).as("a has not acknowledged NEWLEADER").isLessThan(2);
        c.receive("a", new Ack(1, 2, false));
        assertThat(c.core.commitIndex()).as("an ACK before NEWLEADER does not count").isLessThan(2);
        List<Ready> established = c.receive("a", new Ack(1, 2, true));
        assertThat(c.core.commitIndex()).isEqualTo(2);
        assertThat(c.core.state().role()).isEqualTo(Role.LEADER);
        assertThat(sent(established, "a")).anyMatch(m -> m instanceof ZabMessage.UpToDate);
        assertThat(c.core.propose(new byte[] {1})).isTrue();
    }

    @Test
    void aReceivedSnapshotCountsOnlyOnceTheRuntimeAnnouncesIt() throws Exception {
        Probe a = followerInSync(1);
        a.receive("c", new Diff(1, 1, 0));
        io.consensus.api.spi.SnapshotMeta meta = new io.consensus.api.spi.SnapshotMeta(10, 1, 5,
                Membership.ofVoters(new TreeSet<>(List.of(Member.local("a"), Member.local("b"), Member.local("c")))));
        // The runtime stored the streamed snapshot, but has not yet restored it nor told the core.
        try (io.consensus.api.spi.SnapshotStore.Writer writer = a.log.snapshots().begin(meta)) {
            writer.output().write(1);
            writer.install();
        }
        assertThat(a.core.lastIndex()).isEqualTo(1);
        List<Ready> readies = a.receive("c", new ZabMessage.Snap(1, 10, 1));
        Resync need = (Resync) sent(readies, "c").get(0);
        assertThat(need.history().baseIndex()).as("it confirms it needs the snapshot, not that it has it").isZero();
        a.log.truncateFrom(a.log.firstIndex());
        a.log.compactUpTo(10);
        a.core.snapshotInstalled("c", meta);
        List<Ready> after = a.drain();
        Resync resync = (Resync) sent(after, "c").get(0);
        assertThat(resync.history().baseIndex()).isEqualTo(10);
        assertThat(a.core.lastIndex()).isEqualTo(10);
    }

    @Test
    void transferAFollowerOfTheHandingOverLeaderJoinsTheSuccessorAndAcknowledgesAtOnce() {
        Probe a = followerInSync(1); // it just heard from c: a lease it granted c holds
        List<Ready> joined = a.receive("b", new ZabMessage.TakingOver(1));
        assertThat(sent(joined, "b")).anyMatch(m -> m instanceof FollowerInfo);
        List<Ready> readies = a.receive("b", new NewEpoch(2));
        assertThat(sentAfterPersist(readies, "b")).anyMatch(m -> m instanceof AckEpoch ack && ack.epoch() == 2);
    }

    @Test
    void transferATakingOverFromAnotherEpochChangesNothing() {
        Probe a = followerInSync(2);
        List<Ready> readies = a.receive("b", new ZabMessage.TakingOver(1));
        assertThat(sent(readies, "b")).isEmpty();
        assertThat(a.core.state().era()).isEqualTo(2);
        assertThat(a.core.role()).isEqualTo(ZabCore.ZabRole.FOLLOWING);
        assertThat(a.core.leaseWaitPending()).as("the lease granted to c's epoch 2 still holds").isTrue();
    }

    /**
     * The shared simulator's seed 213 with reconfiguration: a member that missed a reconfiguration
     * ignored the votes of members it did not know as voters, kept voting for its own stale history,
     * and no quorum ever agreed. A better vote is adopted from any participant.
     */
    @Test
    void electionABetterVoteIsAdoptedFromAParticipantOurConfigurationDoesNotCount() {
        Probe a = new Probe("a", false);
        List<Ready> readies = a.receive("d", new Notification(1, PeerState.LOOKING, true, new Vote("d", 5, 5, 90), 5));
        assertThat(sent(readies, "b")).anyMatch(m -> m instanceof Notification n && n.vote().leader().equals("d"));
    }

    /**
     * The shared simulator's seeds 667 and 138 with reconfiguration: a member promoted to voter by a
     * configuration it has not received yet thought it did not vote, and the leader-to-be, whose
     * configuration counts it, never had a quorum. d (not a voter of its own bootstrap configuration,
     * but brought up to date once) backs the best vote it hears; each receiver counts it or not by
     * its own configuration. It never proposes itself.
     */
    @Test
    void electionAMemberItsOwnConfigurationDoesNotCountBacksTheBestVote() {
        Probe d = new Probe("d", false);
        assertThat(d.core.participant()).isFalse();
        assertThat(sent(d.readies, "a")).allMatch(m -> !(m instanceof Notification n) || !n.participant());
        List<Ready> readies = d.receive("a", new Notification(1, PeerState.LOOKING, true, new Vote("a", 3, 3, 9), 3));
        assertThat(sent(readies, "b")).anyMatch(m -> m instanceof Notification n && n.participant()
                && n.vote().leader().equals("a"));
    }

    /** Seed 2244 of the pause model: such a member, alone in a later round, was ignored by everyone. */
    @Test
    void electionAMemberWithoutAVoteJoinsTheRoundOfTheVoteItBacks() {
        Probe d = new Probe("d", false); // in round 1, without a vote
        List<Ready> readies = d.receive("a", new Notification(0, PeerState.LOOKING, true, new Vote("a", 3, 3, 9), 3));
        assertThat(sent(readies, "b")).anyMatch(m -> m instanceof Notification n && n.participant() && n.round() == 0
                && n.vote().leader().equals("a"));
    }

    /**
     * The shared simulator's seed 18723: a leader appended its own removal and lost leadership before
     * anyone else stored it. Its history is the most recent, so any other prospective leader gives up
     * in discovery; it must be able to lead, commit its removal, and step down.
     */
    @Test
    void electionAMemberWhoseUncommittedConfigurationRemovedItMayStillLead() {
        Probe a = followerInSync(1);
        Membership withoutA = Membership.ofVoters(new TreeSet<>(List.of(Member.local("b"), Member.local("c"))));
        a.receive("c", new Diff(1, 1, 0));
        a.receive("c", new Proposal(1, 1, 0, List.of(new LogEntry(2, 1, EntryKind.CONFIG,
                io.consensus.core.protocol.MembershipCodec.encode(withoutA))), 0));
        a.sync();
        assertThat(a.core.participant()).isFalse();
        List<Ready> readies = a.tick(a.core.electionTicks); // c is gone: a looks for a leader
        assertThat(sent(readies, "b")).anyMatch(m -> m instanceof Notification n && n.state() == PeerState.LOOKING
                && n.participant() && n.vote().leader().equals("a"));
    }

    @Test
    void aFreshMemberDoesNotVote() {
        Probe fresh = new Probe("a", true);
        assertThat(fresh.core.metadata().joined()).isFalse();
        assertThat(fresh.core.participant()).isFalse();
        assertThat(sent(fresh.readies, "b")).allMatch(m -> !(m instanceof Notification n) || !n.participant());
        assertThat(fresh.core.state().role()).isEqualTo(Role.LEARNER);
    }

    @Test
    void theZxidCountsFromTheEpochsFirstTransaction() {
        Probe a = followerInSync(1);
        a.receive("c", new Proposal(1, 1, 0, List.of(LogEntry.noop(2, 1),
                new LogEntry(3, 1, EntryKind.COMMANDS, new byte[0])), 0));
        assertThat(a.core.zxid(2)).isEqualTo(1L << 32);
        assertThat(a.core.zxid(3)).isEqualTo((1L << 32) | 1);
        assertThat(a.core.status().eraDetail()).contains("zxid 0x100000001");
    }
}
