package io.consensus.core.runtime;

import io.consensus.api.Member;
import io.consensus.api.spi.Envelope;
import io.consensus.api.spi.Transport;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-process network for tests and single-JVM demos: each member gets a {@link Transport} that
 * delivers straight to the others' receivers. Members can be cut off to model partitions.
 */
public final class LocalNetwork {

    private final Map<String, Transport.Receiver> receivers = new ConcurrentHashMap<>();
    private final Set<String> isolated = ConcurrentHashMap.newKeySet();

    /** The transport of {@code memberId}. */
    public Transport transport(String memberId) {
        return new Transport() {
            @Override
            public void start(Receiver receiver) {
                receivers.put(memberId, receiver);
            }

            @Override
            public void updateMembers(Collection<Member> members) {
                // Addresses don't matter in-process.
            }

            @Override
            public void send(Envelope envelope) {
                if (isolated.contains(envelope.from()) || isolated.contains(envelope.to())) {
                    return;
                }
                Receiver receiver = receivers.get(envelope.to());
                if (receiver != null) {
                    receiver.receive(envelope);
                }
            }

            @Override
            public void close() {
                receivers.remove(memberId);
            }
        };
    }

    /** Drops every message to and from {@code memberId} until {@link #heal}. */
    public void isolate(String memberId) {
        isolated.add(memberId);
    }

    /** Ends every isolation. */
    public void heal() {
        isolated.clear();
    }
}
