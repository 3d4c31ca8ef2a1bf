package io.consensus.raft;

import io.consensus.testkit.arch.ProtocolPurity;
import org.junit.jupiter.api.Test;

/** The core is pure: no threads, clocks, I/O, network, Netty or unseeded randomness. */
class ArchitectureTest {

    @Test
    void coreIsPure() {
        ProtocolPurity.check("io.consensus.raft", RaftCore.class);
    }
}
