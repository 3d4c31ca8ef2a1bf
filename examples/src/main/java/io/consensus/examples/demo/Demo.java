package io.consensus.examples.demo;

import io.consensus.core.Protocols;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The README's demo: for each protocol on the class path, a real 3-member cluster of separate JVM
 * processes talking over loopback TCP, with fsync on. It writes keys, kills the leader with SIGKILL,
 * shows the new leader and continued writes, restarts the dead member from its data directory and
 * shows it caught up. Exits 0 only if every check passed.
 */
public final class Demo {

    private Demo() {}

    public static void main(String[] args) throws Exception {
        List<String> protocols = new ArrayList<>(Protocols.available().keySet());
        protocols.retainAll(Set.of("raft", "paxos", "zab"));
        if (args.length > 0) {
            protocols = List.of(args);
        }
        Path workDir = Files.createTempDirectory("consensus-demo");
        System.out.println("consensus demo: protocols " + protocols + ", 3 members each, data and logs under " + workDir);
        List<DemoRun.Summary> summaries = new ArrayList<>();
        for (String protocol : protocols) {
            summaries.add(new DemoRun(protocol, workDir.resolve(protocol)).run());
        }
        System.out.println();
        System.out.println("Summary");
        System.out.printf("%-6s %9s %14s %10s %12s %s%n", "proto", "elections", "failover (ms)", "writes ok", "all agree", "result");
        boolean allPassed = true;
        for (DemoRun.Summary s : summaries) {
            System.out.printf("%-6s %9d %14d %10d %12s %s%n", s.protocol(), s.elections(), s.failoverMillis(),
                    s.writesAcknowledged(), s.membersAgree() ? "yes" : "NO", s.passed() ? "PASS" : "FAIL: " + s.failure());
            allPassed &= s.passed();
        }
        System.exit(allPassed && !summaries.isEmpty() ? 0 : 1);
    }
}
