package io.consensus.benchmarks;

import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Member;
import io.consensus.api.ReadConsistency;
import io.consensus.api.Role;
import io.consensus.api.SyncMode;
import io.consensus.core.Consensus;
import io.consensus.core.runtime.NodeRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A cluster of members in this JVM, as the peer harness runs every system: each member a
 * {@link NodeRuntime} with its own file log, the Netty transport on loopback, hosting one or more
 * groups. Writes and reads are submitted embedded, on the member that leads the group (as the
 * Ratis and SOFAJRaft adapters do); a refused request makes the cluster look for the new leader.
 */
public final class BenchCluster implements AutoCloseable {

    /** What to start. */
    /**
     * @param applyInline {@code consensus.apply.inline}: the benchmark's map applies a put in well under a
     *                    microsecond, the kind of state machine the option is for
     */
    public record Spec(String protocol, int members, int groups, boolean fsync, boolean applyInline, Path dataDir) {}

    private final Spec spec;
    private final List<NodeRuntime> nodes = new ArrayList<>();
    /** groups.get(member)[group] */
    private final List<ConsensusGroup[]> groups = new ArrayList<>();
    private final List<MapStateMachine[]> stateMachines = new ArrayList<>();
    /** Index of the member believed to lead each group. */
    private final AtomicReferenceArray<ConsensusGroup> leaders;
    private final AtomicLong leaderChanges = new AtomicLong();

    private BenchCluster(Spec spec) {
        this.spec = spec;
        this.leaders = new AtomicReferenceArray<>(spec.groups());
    }

    /** Starts every member and waits until every group has a leader that accepted one write. */
    public static BenchCluster start(Spec spec) throws Exception {
        BenchCluster cluster = new BenchCluster(spec);
        try {
            cluster.open();
            cluster.awaitReady();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void open() {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < spec.members(); i++) {
            members.add(new Member("m" + (i + 1), "127.0.0.1", freePort()));
        }
        for (int i = 0; i < spec.members(); i++) {
            String memberId = members.get(i).id();
            ConsensusConfig nodeConfig = config(members, memberId, "g0");
            NodeRuntime node = Consensus.node(nodeConfig).build();
            nodes.add(node);
            ConsensusGroup[] memberGroups = new ConsensusGroup[spec.groups()];
            MapStateMachine[] machines = new MapStateMachine[spec.groups()];
            for (int g = 0; g < spec.groups(); g++) {
                machines[g] = new MapStateMachine();
                memberGroups[g] = node.openGroup(config(members, memberId, "g" + g), machines[g]);
            }
            groups.add(memberGroups);
            stateMachines.add(machines);
        }
    }

    private ConsensusConfig config(List<Member> members, String memberId, String groupId) {
        return ConsensusConfig.builder()
                .protocol(spec.protocol())
                .clusterId("bench")
                .groupId(groupId)
                .memberId(memberId)
                .members(members)
                .dataDir(spec.dataDir().resolve(memberId))
                .bootstrap(true)
                .syncMode(spec.fsync() ? SyncMode.FSYNC : SyncMode.NONE_UNSAFE)
                .applyInline(spec.applyInline())
                .build();
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        byte[] probe = MapStateMachine.put("probe".getBytes(), new byte[1]);
        for (int g = 0; g < spec.groups(); g++) {
            while (true) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("group g" + g + " found no leader within 60 s");
                }
                ConsensusGroup leader = findLeader(g);
                if (leader != null) {
                    try {
                        leader.submit(probe).get();
                        leaders.set(g, leader);
                        break;
                    } catch (Exception e) {
                        // leadership moved while probing: look again
                    }
                }
                Thread.sleep(10);
            }
        }
    }

    private ConsensusGroup findLeader(int group) {
        for (ConsensusGroup[] memberGroups : groups) {
            if (memberGroups[group].status().role() == Role.LEADER) {
                return memberGroups[group];
            }
        }
        return null;
    }

    /** Replicates {@code put(key, value)} in {@code group}; completes once applied on the leader. */
    public CompletableFuture<byte[]> write(int group, byte[] key, byte[] value) {
        ConsensusGroup leader = leaders.get(group);
        return watch(group, leader, leader.submit(MapStateMachine.put(key, value)));
    }

    /** Reads {@code key} from {@code group} at the given consistency. */
    public CompletableFuture<byte[]> read(int group, byte[] key, ReadConsistency consistency) {
        ConsensusGroup leader = leaders.get(group);
        return watch(group, leader, leader.query(key, consistency));
    }

    private CompletableFuture<byte[]> watch(int group, ConsensusGroup leader, CompletableFuture<byte[]> result) {
        return result.whenComplete((ok, failure) -> {
            if (failure != null && leaders.get(group) == leader) {
                ConsensusGroup found = findLeader(group);
                if (found != null && found != leader && leaders.compareAndSet(group, leader, found)) {
                    leaderChanges.incrementAndGet();
                }
            }
        });
    }

    /** How often a failed request made the cluster follow a new leader. */
    public long leaderChanges() {
        return leaderChanges.get();
    }

    /** The share of group replicas, over every member, that are quiescent now (consensus.quiesce). */
    public double quiescentShare() {
        long asleep = 0;
        long total = 0;
        for (ConsensusGroup[] memberGroups : groups) {
            for (ConsensusGroup group : memberGroups) {
                total++;
                if (group.status().quiescent()) {
                    asleep++;
                }
            }
        }
        return total == 0 ? 0 : (double) asleep / total;
    }

    /** Every member's map size for one group: all equal once every member applied every write. */
    public List<Integer> mapSizes(int group) {
        List<Integer> sizes = new ArrayList<>();
        for (MapStateMachine[] machines : stateMachines) {
            sizes.add(machines[group].size());
        }
        return sizes;
    }

    public Spec spec() {
        return spec;
    }

    @Override
    public void close() {
        for (NodeRuntime node : nodes) {
            node.close();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
