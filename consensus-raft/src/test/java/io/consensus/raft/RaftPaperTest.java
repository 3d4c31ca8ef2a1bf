package io.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.raft.RaftMessage.AppendEntries;
import io.consensus.raft.RaftMessage.AppendResponse;
import io.consensus.raft.RaftMessage.Heartbeat;
import io.consensus.raft.RaftMessage.VoteRequest;
import io.consensus.raft.RaftMessage.VoteResponse;
import io.consensus.raft.SimCluster.Msg;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of the Raft paper (Ongaro and Ousterhout, 2014) and thesis (Ongaro, 2014), each
 * driving one member with hand-made messages and looking at what it sends and stores.
 */
class RaftPaperTest {

    private static SimCluster cluster() {
        // Election timeouts of exactly T ticks so a test knows when a member campaigns.
        return new SimCluster(SimCluster.ids(3), 1, 10, 2, 0.1, RaftFaults.NONE)
                .randomFor(id -> new SimCluster.FixedRandom(id.equals("a") ? 0 : 9));
    }

    private static List<Msg> sent(SimCluster c, String from) {
        List<Msg> out = c.network.stream().filter(m -> m.from().equals(from)).collect(Collectors.toList());
        c.network.clear();
        return out;
    }

    private static LogEntry entry(long index, long term) {
        return new LogEntry(index, term, EntryKind.COMMANDS, ("e" + index + "@" + term).getBytes(StandardCharsets.UTF_8));
    }

    // ---- §5.2 leader election ---------------------------------------------------------------

    @Test
    void s5_2_aFollowerThatHearsNothingForAnElectionTimeoutProbesWithPreVotesWithoutRaisingItsTerm() {
        SimCluster c = cluster().start();
        for (int i = 0; i < 9; i++) {
            c.tick("a");
        }
        assertThat(sent(c, "a")).isEmpty();
        c.tick("a");
        List<Msg> out = sent(c, "a");
        assertThat(out).extracting(Msg::message).containsOnly(new VoteRequest(1, 0, 0, true, false));
        assertThat(out).extracting(Msg::to).containsExactlyInAnyOrder("b", "c");
        assertThat(c.core("a").term()).isZero(); // §9.6: a pre-vote changes nothing durable
        assertThat(c.core("a").role()).isEqualTo(RaftRole.PRE_CANDIDATE);
    }

    @Test
    void s5_2_aCandidateThatWinsAMajorityBecomesLeader() {
        SimCluster c = cluster().start();
        c.run(10);
        assertThat(c.leader()).isEqualTo("a");
        assertThat(c.core("a").term()).isEqualTo(1);
    }

    @Test
    void s5_2_aMemberVotesForAtMostOneCandidatePerTerm() {
        SimCluster c = cluster().start();
        c.deliver(new Msg("b", "a", new VoteRequest(1, 0, 0, false, false)));
        c.deliver(new Msg("c", "a", new VoteRequest(1, 0, 0, false, false)));
        assertThat(sent(c, "a")).extracting(Msg::message)
                .containsExactly(new VoteResponse(1, false, true), new VoteResponse(1, false, false));
        // and it remembers the vote across a restart
        c.crash("a");
        c.restart("a");
        c.deliver(new Msg("c", "a", new VoteRequest(1, 5, 5, false, false)));
        assertThat(sent(c, "a")).extracting(Msg::message).containsExactly(new VoteResponse(1, false, false));
    }

    @Test
    void s5_4_1_aVoterRefusesACandidateWhoseLogIsLessUpToDate() {
        SimCluster c = cluster();
        c.preset("a", 2, 1, 2);
        c.start();
        c.deliver(new Msg("b", "a", new VoteRequest(3, 5, 1, false, false))); // longer but older last term
        c.deliver(new Msg("c", "a", new VoteRequest(3, 1, 2, false, false))); // same last term, shorter
        // a's restart made it hold a lease (thesis §6.4.1): let it expire first
        assertThat(sent(c, "a")).extracting(Msg::message).containsOnly(new VoteResponse(2, false, false));
        for (int i = 0; i < 10; i++) {
            c.node("a").core.now++;
        }
        c.deliver(new Msg("b", "a", new VoteRequest(3, 5, 1, false, false)));
        c.deliver(new Msg("c", "a", new VoteRequest(3, 1, 2, false, false)));
        c.deliver(new Msg("c", "a", new VoteRequest(3, 2, 2, false, false)));
        assertThat(sent(c, "a")).extracting(Msg::message).containsExactly(new VoteResponse(3, false, false),
                new VoteResponse(3, false, false), new VoteResponse(3, false, true));
    }

    @Test
    void thesis4_2_3_aVoterThatHeardFromALeaderWithinTheElectionTimeoutRefusesVotesUnlessForATransfer() {
        SimCluster c = cluster().start();
        c.deliver(new Msg("b", "a", new Heartbeat(1, 0, 1)));
        c.network.clear();
        c.deliver(new Msg("c", "a", new VoteRequest(2, 0, 0, true, false)));
        c.deliver(new Msg("c", "a", new VoteRequest(2, 0, 0, false, false)));
        assertThat(sent(c, "a")).extracting(Msg::message)
                .containsExactly(new VoteResponse(1, true, false), new VoteResponse(1, false, false));
        assertThat(c.core("a").term()).isEqualTo(1); // nor does it adopt the higher term
        c.deliver(new Msg("c", "a", new VoteRequest(2, 0, 0, false, true)));
        assertThat(sent(c, "a")).extracting(Msg::message).containsExactly(new VoteResponse(2, false, true));
    }

    @Test
    void ready_aVoteLeavesOnlyOnceTheTermAndVoteAreDurable() {
        SimCluster c = cluster().start();
        c.node("a").autoSync = false;
        c.deliver(new Msg("b", "a", new VoteRequest(1, 0, 0, false, false)));
        assertThat(c.network).isEmpty();
        c.crash("a"); // the vote was never durable: it was never sent either
        c.restart("a");
        assertThat(c.core("a").term()).isZero();
        c.node("a").autoSync = false;
        c.deliver(new Msg("b", "a", new VoteRequest(1, 0, 0, false, false)));
        c.sync("a");
        assertThat(sent(c, "a")).extracting(Msg::message).containsExactly(new VoteResponse(1, false, true));
    }

    // ---- §5.3 log replication -----------------------------------------------------------------

    @Test
    void s5_3_aFollowerRejectsEntriesWhosePredecessorDoesNotMatchAndHintsTheConflictingTerm() {
        SimCluster c = cluster();
        c.preset("a", 3, 1, 1, 2, 2, 2);
        c.start();
        c.deliver(new Msg("b", "a", new AppendEntries(3, 5, 3, List.of(entry(6, 3)), 0)));
        assertThat(sent(c, "a")).extracting(Msg::message)
                .containsExactly(new AppendResponse(3, false, 5, 2, 3)); // term 2 starts at index 3 here
        c.deliver(new Msg("b", "a", new AppendEntries(3, 9, 3, List.of(entry(10, 3)), 0)));
        assertThat(sent(c, "a")).extracting(Msg::message)
                .containsExactly(new AppendResponse(3, false, 9, 0, 6)); // too short: try after its last entry
    }

    @Test
    void s5_3_aFollowerDeletesAConflictingSuffixButNeverOnAStaleOrDuplicateMessage() {
        SimCluster c = cluster();
        c.preset("a", 3, 1, 1, 2, 2);
        c.start();
        c.deliver(new Msg("b", "a", new AppendEntries(3, 2, 1, List.of(entry(3, 3)), 0)));
        assertThat(c.node("a").log.eras()).containsExactly(1L, 1L, 3L);
        c.deliver(new Msg("b", "a", new AppendEntries(3, 3, 3, List.of(entry(4, 3), entry(5, 3)), 0)));
        c.deliver(new Msg("b", "a", new AppendEntries(3, 2, 1, List.of(entry(3, 3)), 0))); // late duplicate
        assertThat(c.node("a").log.eras()).containsExactly(1L, 1L, 3L, 3L, 3L);
        assertThat(sent(c, "a")).extracting(Msg::message).containsExactly(new AppendResponse(3, true, 3, 0, 0),
                new AppendResponse(3, true, 5, 0, 0), new AppendResponse(3, true, 3, 0, 0));
    }

    @Test
    void figure2_aFollowerCommitsTheMinimumOfTheLeaderCommitAndItsLastNewEntry() {
        SimCluster c = cluster();
        c.preset("a", 1, 1, 1, 1, 1, 1); // 5 entries, the last 2 possibly not the leader's
        c.start();
        c.deliver(new Msg("b", "a", new AppendEntries(1, 2, 1, List.of(entry(3, 1)), 9)));
        assertThat(c.core("a").commitIndex()).isEqualTo(3);
        assertThat(c.node("a").applied).isEqualTo(3);
    }

    @Test
    void s5_3_aStaleLeaderIsToldTheNewerTermAndStepsDown() {
        SimCluster c = cluster().start();
        c.run(10);
        assertThat(c.leader()).isEqualTo("a");
        c.deliver(new Msg("b", "a", new AppendResponse(7, false, 0, 0, 0)));
        assertThat(c.core("a").role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(c.core("a").term()).isEqualTo(7);
        // and a member answers a lower-term leader with its own term (etcd raft 9586)
        c.network.clear();
        c.deliver(new Msg("b", "a", new AppendEntries(3, 0, 0, List.of(), 0)));
        assertThat(sent(c, "a")).extracting(Msg::message).containsExactly(new AppendResponse(7, false, 0, 0, 0));
    }

    // ---- §5.4.2, §8 and thesis §10.2.1: commitment ----------------------------------------------

    @Test
    void s8_aNewLeaderAppendsANoopAndAcceptsProposalsOnlyOnceItIsCommitted() {
        SimCluster c = cluster().start();
        c.dropIf(m -> m.message() instanceof AppendEntries);
        c.run(10);
        assertThat(c.leader()).isEqualTo("a");
        LogEntry first = c.node("a").log.entry(1);
        assertThat(first.kind()).isEqualTo(EntryKind.NOOP);
        assertThat(first.era()).isEqualTo(1);
        assertThat(c.propose("a", "too early")).isFalse();
        c.heal();
        c.run(6); // the lost no-op is resent once two heartbeats pass without an answer
        assertThat(c.core("a").commitIndex()).isEqualTo(1);
        assertThat(c.propose("a", "x")).isTrue();
    }

    @Test
    void s5_4_2_aLeaderCommitsAnEarlierTermsEntryOnlyThroughAnEntryOfItsOwnTerm() {
        SimCluster c = cluster();
        c.preset("a", 1, 1);
        c.preset("b", 1, 1);
        c.start();
        c.dropIf(m -> m.message() instanceof AppendEntries);
        c.run(10); // a wins term 2 and appends its no-op at 2; no one receives it
        assertThat(c.leader()).isEqualTo("a");
        c.heal();
        c.network.clear();
        // b acknowledges index 1 (term 1) only: a majority holds it, but it is not of term 2
        c.deliver(new Msg("b", "a", new AppendResponse(2, true, 1, 0, 0)));
        assertThat(c.core("a").commitIndex()).isZero();
        c.deliver(new Msg("b", "a", new AppendResponse(2, true, 2, 0, 0)));
        assertThat(c.core("a").commitIndex()).isEqualTo(2);
    }

    @Test
    void thesis10_2_1_aLeaderCountsItselfOnlyUpToWhatItPersisted() {
        SimCluster c = cluster().start();
        c.run(10);
        c.node("a").autoSync = false;
        c.propose("a", "x"); // index 2
        c.network.clear();
        c.deliver(new Msg("b", "a", new AppendResponse(1, true, 2, 0, 0)));
        assertThat(c.core("a").commitIndex()).isEqualTo(1); // b and a's unsynced copy are not a quorum
        c.deliver(new Msg("c", "a", new AppendResponse(1, true, 2, 0, 0)));
        assertThat(c.core("a").commitIndex()).isEqualTo(2);
        c.node("a").core.persisted(2, 99); // a notice for an era no longer there is ignored
    }

    // ---- reads (thesis §6.4) ------------------------------------------------------------------

    @Test
    void thesis6_4_aReadOnAFollowerFailsWithNoLeader() {
        SimCluster c = cluster().start();
        c.run(10);
        long id = c.read("b", ReadConsistency.LINEARIZABLE);
        assertThat(c.outcomes.get(id).failure()).isEqualTo(RejectedException.Reason.NO_LEADER);
    }

    @Test
    void thesis6_4_aReadIndexReadIsGrantedOnlyAfterAQuorumAcknowledgesAHeartbeatRound() {
        SimCluster c = cluster().start();
        c.run(10);
        c.network.clear();
        long id = c.read("a", ReadConsistency.LINEARIZABLE);
        assertThat(c.grants).doesNotContainKey(id);
        List<Msg> heartbeats = sent(c, "a");
        assertThat(heartbeats).extracting(Msg::message).allMatch(m -> m instanceof Heartbeat);
        c.deliver(heartbeats.get(0));
        c.deliverAll();
        assertThat(c.grants.get(id).index()).isEqualTo(c.core("a").commitIndex());
    }

    @Test
    void thesis6_4_1_aLeaseReadIsServedWithoutARoundOnlyWithinTheLease() {
        SimCluster c = cluster().start();
        c.run(10);
        long noLease = c.read("a", ReadConsistency.LEASE);
        assertThat(c.grants).doesNotContainKey(noLease); // no heartbeat round acknowledged yet: ReadIndex
        c.run(2);
        assertThat(c.grants).containsKey(noLease);
        long lease = c.leaseTicks("a");
        assertThat(lease).isEqualTo((long) Math.floor(10 * 0.9) - 2);
        c.dropIf(m -> true); // from now on nothing arrives: the lease runs out
        long first = c.read("a", ReadConsistency.LEASE);
        assertThat(c.grants).containsKey(first);
        for (int i = 0; i < lease; i++) {
            c.tick("a");
        }
        long second = c.read("a", ReadConsistency.LEASE);
        assertThat(c.grants).doesNotContainKey(second); // falls back to ReadIndex, which cannot finish
    }

    // ---- fresh members (a wiped disk) -----------------------------------------------------------

    @Test
    void aFreshMemberNeitherVotesNorCampaignsUntilALeaderReachedIt() {
        SimCluster c = cluster().start();
        SimCluster.Node fresh = c.addFreshMember("z");
        for (int i = 0; i < 50; i++) {
            c.tick("z");
        }
        assertThat(c.network).isEmpty();
        c.deliver(new Msg("b", "z", new VoteRequest(1, 0, 0, false, false)));
        assertThat(sent(c, "z")).extracting(Msg::message).containsExactly(new VoteResponse(1, false, false));
        c.deliver(new Msg("b", "z", new Heartbeat(3, 0, 1)));
        c.network.clear();
        for (int i = 0; i < 10; i++) {
            fresh.core.now++;
        }
        c.deliver(new Msg("c", "z", new VoteRequest(3, 9, 9, false, false)));
        assertThat(sent(c, "z")).extracting(Msg::message).containsExactly(new VoteResponse(3, false, false));
        c.deliver(new Msg("c", "z", new VoteRequest(4, 9, 9, false, false)));
        assertThat(sent(c, "z")).extracting(Msg::message).containsExactly(new VoteResponse(4, false, true));
    }

    // ---- invariants -----------------------------------------------------------------------------

    @Test
    void invariant_aSecondLeaderInTheSameTermHaltsTheMember() {
        SimCluster c = cluster().start();
        c.run(10);
        c.strict = false;
        c.deliver(new Msg("b", "a", new Heartbeat(1, 0, 1)));
        assertThat(c.violations).anyMatch(v -> v.contains("claims it too"));
    }

    @Test
    void invariant_aFollowerTruncatesOnlyAboveItsCommitIndexAndHaltsOnAContradictedCommit() {
        SimCluster c = cluster();
        c.preset("a", 2, 1, 1, 1);
        c.start();
        c.deliver(new Msg("b", "a", new AppendEntries(2, 1, 1, List.of(entry(2, 1)), 2)));
        assertThat(c.core("a").commitIndex()).isEqualTo(2);
        c.deliver(new Msg("b", "a", new AppendEntries(2, 2, 1, List.of(entry(3, 2)), 2)));
        assertThat(c.node("a").log.eras()).containsExactly(1L, 1L, 2L); // index 3 was not committed
        c.strict = false;
        c.deliver(new Msg("b", "a", new AppendEntries(2, 1, 1, List.of(entry(2, 2)), 2)));
        assertThat(c.violations).anyMatch(v -> v.contains("committed 2@1"));
    }

    @Test
    void thesis6_2_aLeaderThatHearsNoQuorumForAnElectionTimeoutStepsDown() {
        SimCluster c = cluster().start();
        c.run(10);
        c.isolate("a");
        int ticks = 0;
        while (c.core("a").role() == RaftRole.LEADER && ticks < 100) {
            c.tick("a");
            c.deliverAll();
            ticks++;
        }
        assertThat(ticks).isBetween(10, 20);
        assertThat(c.core("a").status().state().leaderId()).isNull();
    }

    @Test
    void s5_2_aCandidateThatHearsFromALeaderOfItsTermBecomesFollower() {
        SimCluster c = cluster().start();
        c.node("a").autoSync = false;
        for (int i = 0; i < 10; i++) {
            c.tick("a");
        }
        c.network.clear();
        c.deliver(new Msg("b", "a", new VoteResponse(1, true, true))); // pre-vote won: a campaigns in term 1
        assertThat(c.core("a").role()).isEqualTo(RaftRole.CANDIDATE);
        c.deliver(new Msg("c", "a", new AppendEntries(1, 0, 0, List.of(), 0)));
        assertThat(c.core("a").role()).isEqualTo(RaftRole.FOLLOWER);
        assertThat(c.core("a").status().state().leaderId()).isEqualTo("c");
    }
}
