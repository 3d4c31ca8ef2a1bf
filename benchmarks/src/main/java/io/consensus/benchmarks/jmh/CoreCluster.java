package io.consensus.benchmarks.jmh;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.Member;
import io.consensus.api.Membership;
import io.consensus.api.Role;
import io.consensus.api.spi.ConsensusProtocol;
import io.consensus.api.spi.CoreContext;
import io.consensus.api.spi.GroupIdentity;
import io.consensus.api.spi.LogEntry;
import io.consensus.api.spi.LogStorage;
import io.consensus.api.spi.Outbound;
import io.consensus.api.spi.ProtocolCore;
import io.consensus.api.spi.Ready;
import io.consensus.core.Protocols;
import io.consensus.storage.memory.MemoryNodeStorage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Protocol cores of one group wired together in memory, with nothing but the cores' own work and
 * their message codec: every Ready is persisted at once, every message encoded, delivered and
 * decoded. Measures what a protocol's pure core costs per proposal, apart from threads and I/O.
 */
final class CoreCluster {

    private final ConsensusProtocol protocol;
    private final List<String> ids = new ArrayList<>();
    private final List<ProtocolCore> cores = new ArrayList<>();
    private final List<LogStorage> logs = new ArrayList<>();
    private final ArrayDeque<Object[]> inFlight = new ArrayDeque<>();
    private long committed;

    CoreCluster(String protocolName, int members) {
        protocol = Protocols.find(protocolName);
        List<Member> memberList = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            memberList.add(new Member("m" + (i + 1), "127.0.0.1", 9000 + i));
        }
        Membership membership = Membership.ofVoters(new TreeSet<>(memberList));
        for (int i = 0; i < members; i++) {
            String id = memberList.get(i).id();
            ConsensusConfig config = ConsensusConfig.builder().protocol(protocolName).memberId(id).members(memberList)
                    .clusterId("jmh").storage(ConsensusConfig.StorageKind.MEMORY_UNSAFE).bootstrap(true).build();
            LogStorage log = new MemoryNodeStorage().open(new GroupIdentity("jmh", "g", protocolName, id));
            ids.add(id);
            logs.add(log);
            cores.add(protocol.createCore(new CoreContext(config, log, membership, new SplittableRandom(i), false)));
        }
    }

    /** Ticks until some core leads and can take proposals; returns its position. */
    int electLeader() {
        for (int tick = 0; tick < 100_000; tick++) {
            for (ProtocolCore core : cores) {
                core.tick();
            }
            settle();
            for (int i = 0; i < cores.size(); i++) {
                if (cores.get(i).status().state().role() == Role.LEADER && cores.get(i).propose(new byte[0])) {
                    settle();
                    return i;
                }
            }
        }
        throw new IllegalStateException(protocol.name() + ": no leader after 100,000 ticks");
    }

    ProtocolCore core(int position) {
        return cores.get(position);
    }

    /** Runs every core's Ready and every message until nothing is left. */
    void settle() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < cores.size(); i++) {
                ProtocolCore core = cores.get(i);
                while (core.hasReady()) {
                    carryOut(i, core.ready());
                    progress = true;
                }
            }
            while (!inFlight.isEmpty()) {
                Object[] delivery = inFlight.poll();
                int to = (Integer) delivery[0];
                cores.get(to).receive((String) delivery[1], protocol.codec().decode((byte[]) delivery[2]));
                progress = true;
            }
        }
    }

    long committed() {
        return committed;
    }

    private void carryOut(int position, Ready ready) {
        LogStorage log = logs.get(position);
        ProtocolCore core = cores.get(position);
        if (ready.truncateFrom() != Ready.NO_TRUNCATION) {
            log.truncateFrom(ready.truncateFrom());
        }
        if (!ready.entries().isEmpty()) {
            log.write(ready.entries());
        }
        if (ready.metadata() != null) {
            log.writeMetadata(ready.metadata());
        }
        send(position, ready.messages());
        send(position, ready.messagesAfterPersist());
        if (ready.needsPersist()) {
            LogEntry last = log.entry(log.lastIndex());
            if (last != null) {
                core.persisted(last.index(), last.era());
            }
        }
        if (!ready.committed().isEmpty()) {
            committed += ready.committed().size();
            core.applied(ready.committed().get(ready.committed().size() - 1).index());
        }
    }

    private void send(int from, List<Outbound> messages) {
        for (Outbound outbound : messages) {
            int to = ids.indexOf(outbound.to());
            if (to >= 0) {
                inFlight.add(new Object[] {to, ids.get(from), protocol.codec().encode(outbound.message())});
            }
        }
    }
}
