package io.consensus.transport.netty;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusConfig.StorageKind;
import io.consensus.api.Member;
import io.consensus.api.spi.Transport.Receiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Members on loopback with free ports, and configurations for them. */
final class TestNodes {

    static final String CLUSTER = "test-cluster";

    private TestNodes() {}

    /** Members with the given ids, each on a port that was free a moment ago. */
    static List<Member> members(String... ids) {
        List<Member> members = new ArrayList<>();
        for (String id : ids) {
            members.add(new Member(id, "127.0.0.1", freePort()));
        }
        return members;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConsensusConfig config(String self, List<Member> members, Map<String, String> transport) {
        return config(self, members, CLUSTER, transport);
    }

    static ConsensusConfig config(String self, List<Member> members, String clusterId, Map<String, String> transport) {
        ConsensusConfig.Builder builder = ConsensusConfig.builder()
                .memberId(self)
                .members(members)
                .clusterId(clusterId)
                .storage(StorageKind.MEMORY_UNSAFE)
                // Fast reconnects keep the tests short.
                .transportProperty(NettyTransportConfig.RECONNECT_BACKOFF_MAX_MS, "200")
                .transportProperty(NettyTransportConfig.IO_THREADS, "1");
        transport.forEach(builder::transportProperty);
        return builder.build();
    }

    static NettyTransport start(ConsensusConfig config, Receiver receiver) {
        NettyTransport transport = NettyTransport.create(config);
        transport.start(receiver);
        return transport;
    }
}
