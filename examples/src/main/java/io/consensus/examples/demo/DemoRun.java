package io.consensus.examples.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One protocol's demo: three member processes, driven over their HTTP API. */
final class DemoRun {

    /** What one protocol's run showed. */
    record Summary(String protocol, int elections, long failoverMillis, int writesAcknowledged, boolean membersAgree,
                   String failure) {
        boolean passed() {
            return failure == null;
        }
    }

    private static final int WRITES_PER_PHASE = 100;

    private final String protocol;
    private final Path dir;
    private int writes;
    private int elections;

    DemoRun(String protocol, Path dir) {
        this.protocol = protocol;
        this.dir = dir;
    }

    Summary run() {
        System.out.println();
        System.out.println("== " + protocol + " ==");
        long failover = -1;
        try (ProcessCluster cluster = new ProcessCluster(protocol, dir, 3)) {
            for (int i = 0; i < 3; i++) {
                cluster.start(i);
            }
            int leader = cluster.awaitLeader(-1, Duration.ofSeconds(20));
            elections++;
            System.out.println("leader is " + ProcessCluster.name(leader));
            writeKeys(cluster, "a", leader);
            System.out.println(WRITES_PER_PHASE + " writes acknowledged; killing the leader " + ProcessCluster.name(leader)
                    + " with SIGKILL");
            long killedAt = System.nanoTime();
            cluster.kill(leader);
            int next = cluster.awaitLeader(leader, Duration.ofSeconds(20));
            failover = (System.nanoTime() - killedAt) / 1_000_000;
            elections++;
            System.out.println("new leader " + ProcessCluster.name(next) + " after " + failover + " ms");
            writeKeys(cluster, "b", next);
            System.out.println(WRITES_PER_PHASE + " more writes acknowledged; restarting " + ProcessCluster.name(leader)
                    + " from its data directory");
            cluster.start(leader);
            cluster.awaitApplied(leader, writes, Duration.ofSeconds(30));
            for (int i = 0; i < 3; i++) {
                verifyKeys(cluster, i);
            }
            System.out.println(ProcessCluster.name(leader) + " caught up; every member holds all " + writes + " keys");
            return new Summary(protocol, elections, failover, writes, true, null);
        } catch (Exception e) {
            System.out.println("FAILED: " + e.getMessage() + " (member logs in " + dir + ")");
            return new Summary(protocol, elections, failover, writes, false, e.getMessage());
        }
    }

    private void writeKeys(ProcessCluster cluster, String prefix, int via) throws Exception {
        for (int k = 0; k < WRITES_PER_PHASE; k++) {
            int member = (via + k) % 3;
            if (!cluster.alive(member)) {
                member = via;
            }
            String key = prefix + k;
            int status = cluster.put(member, key, "value-" + key, protocol + "-" + key);
            if (status != 200) {
                throw new IllegalStateException("PUT " + key + " on " + ProcessCluster.name(member) + " answered " + status);
            }
            writes++;
        }
    }

    private void verifyKeys(ProcessCluster cluster, int member) throws Exception {
        List<String> missing = new ArrayList<>();
        for (String prefix : List.of("a", "b")) {
            for (int k = 0; k < WRITES_PER_PHASE; k++) {
                String key = prefix + k;
                if (!("value-" + key).equals(cluster.get(member, key, "stale"))) {
                    missing.add(key);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(ProcessCluster.name(member) + " lacks " + missing.size() + " keys, e.g. " + missing.get(0));
        }
    }
}
