package io.consensus.examples.embedding;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Member;
import io.consensus.api.StateMachine;
import io.consensus.core.Consensus;
import java.io.*;
import java.nio.file.Path;

/** The smallest useful program: a replicated counter (the README's example, compiled so it can't rot). */
public final class ReplicatedCounter implements StateMachine {
    private long value;

    @Override public byte[] apply(long index, byte[] command) { return Long.toString(++value).getBytes(); }
    @Override public byte[] query(byte[] query) { return Long.toString(value).getBytes(); }
    @Override public void snapshot(OutputStream out) throws IOException { new DataOutputStream(out).writeLong(value); }
    @Override public void restore(InputStream in) throws IOException { value = new DataInputStream(in).readLong(); }

    public static void main(String[] args) {
        ConsensusConfig config = ConsensusConfig.builder()
                .protocol("raft")                                   // or "paxos", or "zab"
                .memberId("n1")
                .members(Member.parse("n1@127.0.0.1:7101"))       // add the other members here
                .dataDir(Path.of(args.length > 0 ? args[0] : "counter-data"))
                .bootstrap(true)                                    // first start of a new group
                .build();
        try (ConsensusGroup group = Consensus.group(config).stateMachine(new ReplicatedCounter()).build()) {
            byte[] result = group.submit("increment".getBytes()).join();
            System.out.println("counter is now " + new String(result));
        }
    }
}
