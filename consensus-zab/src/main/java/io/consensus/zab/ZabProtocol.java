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

    /**
     * The correct protocol; what {@link java.util.ServiceLoader} creates. LEASE reads take the same
     * quorum round as LINEARIZABLE ones (see {@link #ZabProtocol(ZabFaults, boolean)}).
     */
    public ZabProtocol() {
        this(ZabFaults.NONE, false);
    }

    /** A protocol with deliberate bugs switched on, for tests and the simulation's self-tests only. */
    public ZabProtocol(ZabFaults faults) {
        this(faults, false);
    }

    /**
     * @param faults     deliberate bugs, {@link ZabFaults#NONE} in production
     * @param leaseReads serve LEASE reads from a tick-counted lease without a quorum round. Safe only if
     *                   the runtime's ticks keep pace with its clock: the runtime now hands the core
     *                   every tick owed after a stall before a read, but the default stays off until
     *                   a long simulation run with pauses has been recorded for it
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
}
