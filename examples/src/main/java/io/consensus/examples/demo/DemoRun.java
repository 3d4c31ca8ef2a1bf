package io.consensus.examples.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One protocol's demo: three member processes, driven over their HTTP API. */
final class DemoRun implements AutoCloseable {

    /** What one protocol's run showed. */
    record Summary(String protocol, int elections, long failoverMillis, int writesAcknowledged, boolean membersAgree,
                   String failure) {
        boolean passed() {
            return failure == null;
        }
    }

    private static final int WRITES_PER_PHASE = 100;
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|-?\\d+|null)");

    private final String protocol;
    private final Path dir;
    private final int[] transportPorts;
    private final int[] httpPorts;
    private final Process[] processes = new Process[3];
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int writes;
    private int elections;

    DemoRun(String protocol, Path dir, int[] ports) {
        this.protocol = protocol;
        this.dir = dir;
        this.transportPorts = new int[] {ports[0], ports[1], ports[2]};
        this.httpPorts = new int[] {ports[3], ports[4], ports[5]};
    }

    Summary run() {
        System.out.println();
        System.out.println("== " + protocol + " ==");
        long failover = -1;
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < 3; i++) {
                writeConfig(i);
                start(i);
            }
            int leader = awaitLeader(-1, Duration.ofSeconds(20));
            elections++;
            System.out.println("leader is n" + (leader + 1));
            writeKeys("a", leader);
            System.out.println(WRITES_PER_PHASE + " writes acknowledged; killing the leader n" + (leader + 1) + " with SIGKILL");
            long killedAt = System.nanoTime();
            processes[leader].destroyForcibly().waitFor();
            int next = awaitLeader(leader, Duration.ofSeconds(20));
            failover = (System.nanoTime() - killedAt) / 1_000_000;
            elections++;
            System.out.println("new leader n" + (next + 1) + " after " + failover + " ms");
            writeKeys("b", next);
            System.out.println(WRITES_PER_PHASE + " more writes acknowledged; restarting n" + (leader + 1) + " from its data directory");
            start(leader);
            awaitCaughtUp(leader, Duration.ofSeconds(30));
            for (int i = 0; i < 3; i++) {
                verifyKeys(i);
            }
            System.out.println("n" + (leader + 1) + " caught up; every member holds all " + writes + " keys");
            return new Summary(protocol, elections, failover, writes, true, null);
        } catch (Exception e) {
            System.out.println("FAILED: " + e.getMessage() + " (member logs in " + dir + ")");
            return new Summary(protocol, elections, failover, writes, false, e.getMessage());
        }
    }

    private void writeConfig(int i) throws IOException {
        StringBuilder members = new StringBuilder();
        for (int m = 0; m < 3; m++) {
            members.append(m == 0 ? "" : ",").append("n").append(m + 1).append("@127.0.0.1:").append(transportPorts[m]);
        }
        String properties = String.join("\n",
                "consensus.protocol=" + protocol,
                "consensus.group.id=demo",
                "consensus.cluster.id=demo-" + protocol,
                "consensus.member.id=n" + (i + 1),
                "consensus.members=" + members,
                "consensus.data.dir=" + dir.resolve("n" + (i + 1) + "-data"),
                "consensus.bootstrap=true",
                "consensus.election.timeout.ms=300",
                "consensus.heartbeat.interval.ms=50",
                "consensus.request.timeout.ms=5000",
                "http.port=" + httpPorts[i],
                "");
        Files.writeString(dir.resolve("n" + (i + 1) + ".properties"), properties);
    }

    private void start(int i) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path logFile = dir.resolve("n" + (i + 1) + ".log");
        processes[i] = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.consensus.examples.kv.KvServer", "--config", dir.resolve("n" + (i + 1) + ".properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    private int awaitLeader(int excluded, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 3; i++) {
                if (i == excluded || !processes[i].isAlive()) {
                    continue;
                }
                String role = field(status(i), "role");
                if ("LEADER".equals(role)) {
                    return i;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no leader elected within " + timeout.toSeconds() + " s");
    }

    private void writeKeys(String prefix, int via) throws Exception {
        for (int k = 0; k < WRITES_PER_PHASE; k++) {
            int member = (via + k) % 3;
            if (!processes[member].isAlive()) {
                member = via;
            }
            String key = prefix + k;
            HttpResponse<String> response = send(member, HttpRequest.newBuilder(uri(member, "/kv/" + key))
                    .header("Idempotency-Key", protocol + "-" + key)
                    .PUT(HttpRequest.BodyPublishers.ofString("value-" + key)));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("PUT " + key + " on n" + (member + 1) + " answered "
                        + response.statusCode() + " " + response.body());
            }
            writes++;
        }
    }

    private void awaitCaughtUp(int member, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String applied = field(status(member), "appliedIndex");
            if (applied != null && Long.parseLong(applied) >= writes) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("n" + (member + 1) + " did not catch up within " + timeout.toSeconds() + " s");
    }

    private void verifyKeys(int member) throws Exception {
        List<String> missing = new ArrayList<>();
        for (String prefix : List.of("a", "b")) {
            for (int k = 0; k < WRITES_PER_PHASE; k++) {
                String key = prefix + k;
                HttpResponse<String> response = send(member, HttpRequest.newBuilder(uri(member, "/kv/" + key + "?consistency=stale")).GET());
                if (response.statusCode() != 200 || !response.body().equals("value-" + key)) {
                    missing.add(key);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("n" + (member + 1) + " lacks " + missing.size() + " keys, e.g. " + missing.get(0));
        }
    }

    private String status(int member) {
        try {
            HttpResponse<String> response = send(member, HttpRequest.newBuilder(uri(member, "/status")).GET());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (Exception notUpYet) {
            return "";
        }
    }

    private static String field(String json, String name) {
        Matcher matcher = FIELD.matcher(json);
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                String value = matcher.group(2);
                return value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
            }
        }
        return null;
    }

    private HttpResponse<String> send(int member, HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(int member, String path) {
        return URI.create("http://127.0.0.1:" + httpPorts[member] + path);
    }

    @Override
    public void close() {
        for (Process process : processes) {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }
}
