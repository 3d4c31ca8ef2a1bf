package io.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consensus.testkit.sim.Coverage;
import io.consensus.testkit.sim.FaultModel;
import io.consensus.testkit.sim.Reconfiguration;
import io.consensus.testkit.sim.Simulation;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The shared simulation suite on Raft: the real runtime on virtual time with network, crash, torn
 * write, pause and clock-drift faults, an operator adding, removing and replacing members and
 * transferring leadership, checked for agreement, liveness after healing and linearizability. Seeds come from {@code -Dsim.seeds} (CI default in the root pom).
 */
class RaftSimulationTest {

    private static Simulation.Builder raft(RaftFaults faults, int members) {
        return Simulation.builder()
                .protocol(new RaftProtocol(faults))
                .members(members)
                .faults(FaultModel.standard())
                .reconfiguration(Reconfiguration.standard())
                .checkQuiescence(true)
                .configure(b -> b.snapshotThresholdEntries(200).snapshotRetainEntries(20));
    }

    @Test
    void threeMembersStayLinearizableUnderEveryFault() {
        long[] seeds = Simulation.seeds(300);
        Coverage coverage = raft(RaftFaults.NONE, 3).operations(Simulation.operations(600)).build().runSeeds(seeds);

        // A suite that exercised no faults proves nothing: insist on real coverage.
        assertThat(coverage.leaderChanges()).isGreaterThan(seeds.length);
        assertThat(coverage.crashes()).isGreaterThan(seeds.length);
        assertThat(coverage.partitions()).isGreaterThan(seeds.length / 2);
        assertThat(coverage.operationsOk()).isGreaterThan(seeds.length * 100L);
        if (seeds.length >= 100) {
            // Seeds that end with three voters or more crash the leader of the quiescent group; lulls add more.
            assertThat(coverage.quiescentLeaderCrashes()).isGreaterThan(seeds.length / 2);
            // The operator's membership changes and transfers, committed ones included.
            assertThat(coverage.membershipChanges()).isGreaterThan(seeds.length / 2);
            assertThat(coverage.membersStarted()).isGreaterThan(seeds.length / 2);
            assertThat(coverage.leaderRemovals()).isGreaterThan(seeds.length / 50);
            assertThat(coverage.transfers()).isGreaterThan(seeds.length / 10);
            assertThat(coverage.membershipChangesRefused()).isPositive();
        }
    }

    @Test
    void fiveMembersStayLinearizableUnderEveryFault() {
        long[] seeds = Simulation.seeds(100);
        Coverage coverage = raft(RaftFaults.NONE, 5).operations(Simulation.operations(600)).build().runSeeds(seeds);

        assertThat(coverage.leaderChanges()).isGreaterThan(seeds.length);
        assertThat(coverage.crashes()).isGreaterThan(seeds.length);
    }

    /**
     * With {@code consensus.apply.inline} commands are applied on the event loop while snapshots stay
     * off it; snapshots are still taken (and installed on followers that fell behind).
     */
    @Test
    void applyingOnTheEventLoopStaysLinearizable() {
        long[] all = Simulation.seeds(300);
        long[] seeds = Arrays.copyOf(all, Math.max(1, all.length / 3));
        Coverage coverage = applyingInline().operations(Simulation.operations(600)).build().runSeeds(seeds);

        assertThat(coverage.crashes()).isGreaterThan(seeds.length);
        assertThat(coverage.operationsOk()).isGreaterThan(seeds.length * 100L);
        if (seeds.length >= 50) {
            assertThat(coverage.snapshotInstalls()).isPositive();
        }
    }

    /**
     * Seed 3073 of that suite: a member removed from the group, still running and not yet told, ran
     * out its election timeout and campaigned while the check for a silent group was under way, waking
     * the group once. Stopping removed members is the operator's part: the check now starts its silent
     * window only once the simulated operator has stopped every member the configuration leaves out.
     */
    @Test
    void aRemovedMemberStillRunningDelaysTheSilenceCheck() {
        assertThat(applyingInline().operations(600).build().run(3073).operations()).isPositive();
    }

    private static Simulation.Builder applyingInline() {
        return raft(RaftFaults.NONE, 3)
                .configure(b -> b.snapshotThresholdEntries(200).snapshotRetainEntries(20).applyInline(true));
    }

    @Test
    void acknowledgingBeforePersistingIsCaught() {
        assertCaught(new RaftFaults(false, true, false, false));
    }

    @Test
    void skippingTheNoopIsCaught() {
        assertCaught(new RaftFaults(false, false, false, true));
    }

    /**
     * The simulator must flag a broken Raft within a bounded number of seeds. (Skipping the Figure 8
     * rule and the lease drift margin need a precise interleaving that random faults rarely build:
     * FaultSwitchTest and ScenarioTest construct those deterministically.)
     */
    private static void assertCaught(RaftFaults faults) {
        Simulation sim = raft(faults, 5).operations(1500).build();
        assertThatThrownBy(() -> {
            for (long seed = 1; seed <= 200; seed++) {
                sim.run(seed);
            }
        }).as("%s caught within 200 seeds", faults).isInstanceOf(AssertionError.class);
    }
}
