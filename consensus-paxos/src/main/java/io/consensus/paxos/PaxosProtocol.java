package io.consensus.paxos;

import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.MessageCodec;
import io.consensus.api.spi.ProtocolCore;
import java.util.Objects;

/** Multi-Paxos ({@code consensus.protocol=paxos}), found by {@link java.util.ServiceLoader}. */
public final class PaxosProtocol implements ConsensusProtocol {

    private final PaxosFaults faults;
    private final boolean leaseReads;

    /** The correct protocol; what {@link java.util.ServiceLoader} creates. */
    public PaxosProtocol() {
        this(PaxosFaults.NONE, true);
    }

    /** A protocol with deliberate bugs switched on, for the simulation's self-tests only. */
    public PaxosProtocol(PaxosFaults faults) {
        this(faults, true);
    }

    /**
     * @param leaseReads serve {@code LEASE} reads from the leader's lease without a quorum round (the
     *                   default). Safe only because the runtime gives the core every tick owed after
     *                   a stall (a GC pause) before it judges a read; off, a {@code LEASE} read takes
     *                   the same quorum round as a {@code LINEARIZABLE} one.
     */
    public PaxosProtocol(PaxosFaults faults, boolean leaseReads) {
        this.faults = Objects.requireNonNull(faults, "faults");
        this.leaseReads = leaseReads;
    }

    @Override
    public String name() {
        return "paxos";
    }

    @Override
    public ProtocolCore createCore(CoreContext context) {
        return new PaxosCore(context, faults, leaseReads);
    }

    @Override
    public MessageCodec codec() {
        return PaxosCodec.INSTANCE;
    }

    /** The fault switches in force. */
    public PaxosFaults faults() {
        return faults;
    }

    /** Whether {@code LEASE} reads are served from the lease. */
    public boolean leaseReads() {
        return leaseReads;
    }
}
