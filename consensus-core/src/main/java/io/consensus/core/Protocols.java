package io.consensus.core;

import io.consensus.api.ConfigException;
import io.consensus.api.ConsensusConfig;
import io.consensus.api.spi.ConsensusProtocol;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds protocols on the class path with {@link ServiceLoader}. */
public final class Protocols {

    private Protocols() {}

    /** All protocols on the class path, by name. */
    public static TreeMap<String, ConsensusProtocol> available() {
        TreeMap<String, ConsensusProtocol> protocols = new TreeMap<>();
        for (ConsensusProtocol protocol : ServiceLoader.load(ConsensusProtocol.class)) {
            protocols.put(protocol.name(), protocol);
        }
        return protocols;
    }

    /**
     * The protocol called {@code name}.
     *
     * @throws ConfigException naming the available protocols if none is called that
     */
    public static ConsensusProtocol find(String name) {
        TreeMap<String, ConsensusProtocol> available = available();
        ConsensusProtocol protocol = available.get(name);
        if (protocol == null) {
            throw new ConfigException(ConsensusConfig.PROTOCOL, "no protocol '" + name + "' on the class path; available: "
                    + (available.isEmpty() ? "none (add consensus-raft, consensus-paxos or consensus-zab)" : available.keySet()));
        }
        return protocol;
    }
}
