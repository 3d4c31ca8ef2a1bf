package io.consensus.paxos;

import io.consensus.testkit.arch.ProtocolPurity;
import org.junit.jupiter.api.Test;

/** The core is pure: no threads, clocks, I/O, network, Netty or unseeded randomness (the testkit's shared rule). */
class ArchitectureTest {

    @Test
    void coreIsPure() {
        ProtocolPurity.check("io.consensus.paxos", PaxosCore.class);
    }
}
