package io.consensus.zab;

import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.MessageCodec;
import io.consensus.api.spi.ProtocolCore;
import java.util.Objects;

/** Zab, ZooKeeper Atomic Broadcast ({@code consensus.protocol=zab}), found by {@link java.util.ServiceLoader}. */
public final class ZabProtocol implements ConsensusProtocol {

    private final ZabFaults faults;
    private final boolean leaseReads;

    /** The correct protocol, lease reads on; what {@link java.util.ServiceLoader} creates. */
    public ZabProtocol() {
        this(ZabFaults.NONE, true);
    }

    /** A protocol with deliberate bugs switched on, for tests and the simulation's self-tests only. */
    public ZabProtocol(ZabFaults faults) {
        this(faults, true);
    }

    /**
     * @param faults     deliberate bugs, {@link ZabFaults#NONE} in production
     * @param leaseReads serve {@code LEASE} reads from the leader's tick-counted lease without a quorum
     *                   round (the default). Safe only because the runtime gives the core every tick
     *                   owed after a stall (a GC pause) before it judges a read; off, a {@code LEASE}
     *                   read takes the same quorum round as a {@code LINEARIZABLE} one
     */
    public ZabProtocol(ZabFaults faults, boolean leaseReads) {
        this.faults = Objects.requireNonNull(faults, "faults");
        this.leaseReads = leaseReads;
    }

    @Override
    public String name() {
        return "zab";
    }

    @Override
    public ProtocolCore createCore(CoreContext context) {
        return new ZabCore(context, faults, leaseReads);
    }

    @Override
    public MessageCodec codec() {
        return ZabCodec.INSTANCE;
    }

    /** The fault switches in force. */
    public ZabFaults faults() {
        return faults;
    }

    /** Whether {@code LEASE} reads are served from the lease. */
    public boolean leaseReads() {
        return leaseReads;
    }
}
