package io.consensus.zab;

import static org.assertj.core.api.Assertions.assertThat;

import io.consensus.api.Member;
import io.consensus.api.MembershipChange;
import io.consensus.api.ReadConsistency;
import io.consensus.api.RejectedException.Reason;
import io.consensus.api.spi.EntryKind;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.RequestOutcome;
import io.consensus.zab.ZabMessage.Ack;
import io.consensus.zab.ZabMessage.Ping;
import io.consensus.zab.ZabMessage.Proposal;
import io.consensus.zab.ZabMessage.TakeOver;
import io.consensus.zab.ZabMessage.TakingOver;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Leadership transfer: the leader stops proposing, waits until the target acknowledged and committed
 * everything, then asks it to take over; the target leads at once and its epoch is established by
 * the usual discovery and synchronization, with followers (and the old leader) cooperating instead of
 * waiting out their leases. A target that does not take over in time leaves the leader leading.
 */
class TransferTest {

    private static String text(LogEntry entry) {
        return new String(entry.payload(), StandardCharsets.UTF_8);
    }

    private static List<String> logText(ZabCluster cluster, String id) {
        List<String> texts = new ArrayList<>();
        for (LogEntry entry : cluster.logOf(id)) {
            texts.add(entry.index() + "@" + entry.era() + ":" + entry.kind() + ":" + text(entry));
        }
        return texts;
    }

    private static List<String> deliveredOn(ZabCluster cluster, String id) {
        return cluster.node(id).delivered.stream().filter(e -> e.kind() == EntryKind.COMMANDS)
                .map(TransferTest::text).toList();
    }

    private static long epochOf(ZabCluster cluster, String id) {
        return cluster.node(id).core.status().state().era();
    }

    private static String leaderSeenBy(ZabCluster cluster, String id) {
        return cluster.node(id).core.status().state().leaderId();
    }

    /** Ticks and delivers until {@code done}; returns the ticks it took. */
    private static int ticksUntil(ZabCluster cluster, BooleanSupplier done, int maxTicks) {
        for (int ticks = 0; ticks <= maxTicks; ticks++) {
            cluster.deliverAll();
            if (done.getAsBoolean()) {
                return ticks;
            }
            cluster.tickAll();
        }
        throw new AssertionError("not done within " + maxTicks + " ticks\n" + cluster.describe());
    }

    private static int indexOfFirst(List<ZabCluster.Msg> messages, Predicate<ZabCluster.Msg> filter) {
        for (int i = 0; i < messages.size(); i++) {
            if (filter.test(messages.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static RequestOutcome awaitOutcome(ZabCluster cluster, long requestId) {
        ticksUntil(cluster, () -> cluster.outcomes.containsKey(requestId), 4 * cluster.electionTicks);
        return cluster.outcomes.get(requestId);
    }

    @Test
    void aTransferToAnUpToDateFollowerCompletesWithoutWaitingOutLeases() {
        ZabCluster cluster = new ZabCluster(3, 1).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        cluster.run(cluster.heartbeatTicks); // every follower just granted c a lease
        long epoch = epochOf(cluster, "c");

        long request = cluster.transferLeadership("c", "a");
        int ticks = ticksUntil(cluster, () -> cluster.outcomes.containsKey(request), 4 * cluster.electionTicks);

        assertThat(cluster.outcomes.get(request).succeeded()).isTrue();
        assertThat(ticks).as("nobody waited out the lease granted to c").isLessThan(cluster.electionTicks);
        assertThat(cluster.received("a", TakeOver.class)).isTrue();
        assertThat(cluster.received("b", TakingOver.class)).isTrue();
        assertThat(cluster.node("a").isLeader()).isTrue();
        assertThat(epochOf(cluster, "a")).isGreaterThan(epoch);
        assertThat(leaderSeenBy(cluster, "b")).isEqualTo("a");
        assertThat(leaderSeenBy(cluster, "c")).as("the old leader follows the new one").isEqualTo("a");
        cluster.write("after");
        assertThat(deliveredOn(cluster, "c")).containsExactly("x1", "after");
        assertThat(logText(cluster, "b")).isEqualTo(logText(cluster, "a")).isEqualTo(logText(cluster, "c"));
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void aLaggingTargetIsCaughtUpBeforeItIsAskedToTakeOver() {
        ZabCluster cluster = new ZabCluster(3, 2).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        cluster.dropWhere(m -> m.to().equals("a") && m.message() instanceof Proposal);
        for (int i = 0; i < 5; i++) {
            cluster.propose("c", "missed" + i);
        }
        cluster.deliverAll(); // committed by b and c
        long last = cluster.node("c").core.lastIndex();
        assertThat(cluster.node("c").core.commitIndex()).isEqualTo(last);
        assertThat(cluster.node("a").core.lastIndex()).isLessThan(last);
        cluster.dropWhere(m -> false);

        cluster.deliveredMessages.clear();
        long request = cluster.transferLeadership("c", "a");
        RequestOutcome outcome = awaitOutcome(cluster, request);

        assertThat(outcome.succeeded()).isTrue();
        List<ZabCluster.Msg> delivered = cluster.deliveredMessages;
        int caughtUp = indexOfFirst(delivered, m -> m.from().equals("a") && m.message() instanceof Ack ack
                && ack.index() >= last);
        int takeOver = indexOfFirst(delivered, m -> m.message() instanceof TakeOver);
        assertThat(caughtUp).as("a acknowledged the last transaction").isNotNegative();
        assertThat(takeOver).as("TAKEOVER came after that").isGreaterThan(caughtUp);
        assertThat(cluster.node("a").isLeader()).isTrue();
        cluster.write("after");
        assertThat(deliveredOn(cluster, "a")).containsExactly("x1", "missed0", "missed1", "missed2", "missed3",
                "missed4", "after");
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void anUnreachableTargetFailsTheTransferAndTheLeaderProposesAgain() {
        ZabCluster cluster = new ZabCluster(3, 3).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        long epoch = epochOf(cluster, "c");
        cluster.isolate("a");

        long request = cluster.transferLeadership("c", "a");
        assertThat(cluster.propose("c", "refused")).as("no proposals during a transfer").isFalse();
        RequestOutcome outcome = awaitOutcome(cluster, request);

        assertThat(outcome.failure()).isEqualTo(Reason.INVALID);
        assertThat(outcome.detail()).contains("did not take over");
        assertThat(cluster.node("c").isLeader()).isTrue();
        assertThat(epochOf(cluster, "c")).isEqualTo(epoch);
        assertThat(cluster.propose("c", "resumed")).isTrue();
        cluster.deliverAll();
        cluster.heal();
        cluster.write("healed");
        assertThat(deliveredOn(cluster, "a")).containsExactly("x1", "resumed", "healed");
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void proposalsInFlightAreCommittedBeforeTheTargetTakesOverAndNewOnesAreRefused() {
        ZabCluster cluster = new ZabCluster(3, 4).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        assertThat(cluster.propose("c", "p1")).isTrue();
        assertThat(cluster.propose("c", "p2")).isTrue();

        long request = cluster.transferLeadership("c", "b");
        assertThat(cluster.propose("c", "p3")).isFalse();
        long change = cluster.changeMembership("c", new MembershipChange.AddLearner(Member.local("d")));
        cluster.syncAll();
        assertThat(cluster.outcomes.get(change).failure()).isEqualTo(Reason.INVALID);
        long second = cluster.transferLeadership("c", "a");
        cluster.syncAll(); // outcomes leave once the Ready's writes are durable
        assertThat(cluster.outcomes.get(second).failure()).isEqualTo(Reason.INVALID);
        RequestOutcome outcome = awaitOutcome(cluster, request);

        assertThat(outcome.succeeded()).isTrue();
        assertThat(cluster.node("b").isLeader()).isTrue();
        cluster.write("after");
        for (String id : List.of("a", "b", "c")) {
            assertThat(deliveredOn(cluster, id)).as(id).containsExactly("x1", "p1", "p2", "after");
        }
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void aTransferIsRefusedToANonVoterAndDuringAMembershipChange() {
        ZabCluster cluster = new ZabCluster(3, 5).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        assertThat(cluster.outcomes.get(cluster.transferLeadership("c", "z")).failure()).isEqualTo(Reason.INVALID);
        assertThat(cluster.outcomes.get(cluster.transferLeadership("a", "b")).failure()).isEqualTo(Reason.NO_LEADER);
        assertThat(cluster.outcomes.get(cluster.transferLeadership("c", "c")).succeeded()).isTrue();
        cluster.changeMembership("c", new MembershipChange.AddLearner(Member.local("d")));
        long duringChange = cluster.transferLeadership("c", "a");
        cluster.syncAll();
        assertThat(cluster.outcomes.get(duringChange).failure()).isEqualTo(Reason.INVALID);
    }

    @Test
    void theOldLeaderCrashingRightAfterTheHandOverLosesNoAcknowledgedWrite() {
        ZabCluster cluster = new ZabCluster(3, 6).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        for (int i = 0; i < 3; i++) {
            cluster.write("w" + i);
        }
        cluster.transferLeadership("c", "a");
        cluster.deliverOnly(m -> !(m.message() instanceof TakeOver));
        assertThat(cluster.network).anyMatch(m -> m.message() instanceof TakeOver);
        cluster.crash("c");
        cluster.deliverAll();

        assertThat(cluster.awaitLeader()).isEqualTo("a");
        cluster.write("after");
        cluster.start("c");
        cluster.write("rejoined");
        for (String id : List.of("a", "b", "c")) {
            assertThat(deliveredOn(cluster, id)).as(id).containsExactly("w0", "w1", "w2", "after", "rejoined");
        }
        assertThat(cluster.violations).isEmpty();
    }

    /**
     * c's TAKEOVER to a is held back until the transfer failed; c then commits "late" with b while a
     * is cut off, and a gets the TAKEOVER.
     */
    private static ZabCluster delayedTakeOver(long seed) {
        ZabCluster cluster = new ZabCluster(3, seed).start();
        assertThat(cluster.awaitLeader()).isEqualTo("c");
        cluster.write("x1");
        long request = cluster.transferLeadership("c", "a");
        List<ZabCluster.Msg> held = new ArrayList<>();
        for (int tick = 0; tick <= cluster.electionTicks && !cluster.outcomes.containsKey(request); tick++) {
            cluster.deliverOnly(m -> !(m.message() instanceof TakeOver));
            cluster.network.stream().filter(m -> m.message() instanceof TakeOver).forEach(held::add);
            cluster.network.removeIf(m -> m.message() instanceof TakeOver);
            cluster.tickAll();
        }
        cluster.deliverOnly(m -> !(m.message() instanceof TakeOver));
        assertThat(held).isNotEmpty();
        assertThat(cluster.outcomes.get(request).failure()).isEqualTo(Reason.INVALID);
        cluster.network.removeIf(m -> m.message() instanceof TakeOver);
        cluster.isolate("a");
        cluster.write("late");
        cluster.heal();
        cluster.network.add(held.get(0));
        return cluster;
    }

    @Test
    void aDelayedTakeOverAfterTheLeaderResumedLosesNoWrite() {
        ZabCluster cluster = delayedTakeOver(7);
        cluster.deliverAll();
        assertThat(cluster.received("c", TakingOver.class)).as("a took over").isTrue();
        // c and b, following a, report "late", which a lacks: a gives up in discovery (paper §IV-A).
        assertThat(cluster.awaitLeader()).isNotEqualTo("a");
        cluster.write("final");
        for (String id : List.of("a", "b", "c")) {
            assertThat(deliveredOn(cluster, id)).as(id).containsExactly("x1", "late", "final");
        }
        assertThat(cluster.violations).isEmpty();
    }

    @Test
    void aLeaderThatSentTakeOverServesNoLeaseReadForTheRestOfItsEpoch() {
        ZabCluster cluster = delayedTakeOver(8);
        cluster.network.removeIf(m -> m.message() instanceof TakeOver);
        cluster.run(cluster.heartbeatTicks); // a round a quorum acknowledged: it would renew a lease
        assertThat(cluster.node("c").isLeader()).isTrue();
        long read = cluster.read("c", ReadConsistency.LEASE);
        assertThat(cluster.grants).as("a quorum round is needed").doesNotContainKey(read);
        assertThat(cluster.network).anyMatch(m -> m.from().equals("c") && m.message() instanceof Ping);
        cluster.deliverAll();
        assertThat(cluster.grants).containsKey(read);
        assertThat(cluster.violations).isEmpty();
    }
}
