package io.consensus.benchmarks.jmh;

import io.consensus.api.spi.ProtocolCore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A protocol core's step for a batch of proposals: the leader takes 64 batched proposals (as the
 * runtime hands them in, one encoded batch each), replicates them to two followers and commits them,
 * through each protocol's own message codec. Reported per proposal, for all three cores of the group.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CoreStepBenchmark {

    private static final int PROPOSALS = 64;

    @Param({"raft", "paxos", "zab"})
    public String protocol;

    /** Bytes of one proposal: a runtime batch of about 32 W1 writes. */
    @Param({"4096"})
    public int proposalBytes;

    private CoreCluster cluster;
    private ProtocolCore leader;
    private byte[] proposal;

    @Setup
    public void setUp() {
        cluster = new CoreCluster(protocol, 3);
        leader = cluster.core(cluster.electLeader());
        proposal = new byte[proposalBytes];
    }

    @Benchmark
    @OperationsPerInvocation(PROPOSALS)
    public long proposeReplicateCommit() {
        for (int i = 0; i < PROPOSALS; i++) {
            if (!leader.propose(proposal)) {
                throw new IllegalStateException("the leader refused a proposal");
            }
        }
        cluster.settle();
        return cluster.committed();
    }
}
