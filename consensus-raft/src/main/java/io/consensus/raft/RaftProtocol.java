package io.consensus.raft;

import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.MessageCodec;
import io.consensus.api.spi.ProtocolCore;
import java.util.Objects;

/** Raft ({@code consensus.protocol=raft}), found by {@link java.util.ServiceLoader}. */
public final class RaftProtocol implements ConsensusProtocol {

    private final RaftFaults faults;

    /** The correct protocol; what {@link java.util.ServiceLoader} creates. */
    public RaftProtocol() {
        this(RaftFaults.NONE);
    }

    /** A protocol with deliberate bugs switched on, for the simulation's self-tests only. */
    public RaftProtocol(RaftFaults faults) {
        this.faults = Objects.requireNonNull(faults, "faults");
    }

    @Override
    public String name() {
        return "raft";
    }

    @Override
    public ProtocolCore createCore(CoreContext context) {
        return new RaftCore(context, faults);
    }

    @Override
    public MessageCodec codec() {
        return RaftCodec.INSTANCE;
    }

    /** The fault switches in force. */
    public RaftFaults faults() {
        return faults;
    }
}
