package io.consensus.examples.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Members of the example key-value store as separate JVM processes on loopback, driven over their
 * HTTP API. Used by the demo and by the multi-process crash tests.
 */
public final class ProcessCluster implements AutoCloseable {

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|-?\\d+|null)");

    private final String protocol;
    private final Path dir;
    private final int size;
    private final int[] transportPorts;
    private final int[] httpPorts;
    private final Process[] processes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Prepares {@code size} members' configuration files under {@code dir}; starts none. */
    public ProcessCluster(String protocol, Path dir, int size) throws IOException {
        this.protocol = protocol;
        this.dir = dir;
        this.size = size;
        this.transportPorts = freePorts(size);
        this.httpPorts = freePorts(size);
        this.processes = new Process[size];
        Files.createDirectories(dir);
        for (int i = 0; i < size; i++) {
            writeConfig(i);
        }
    }

    public int size() {
        return size;
    }

    public Path dir() {
        return dir;
    }

    private void writeConfig(int i) throws IOException {
        StringBuilder members = new StringBuilder();
        for (int m = 0; m < size; m++) {
            members.append(m == 0 ? "" : ",").append(name(m)).append("@127.0.0.1:").append(transportPorts[m]);
        }
        String properties = String.join("\n",
                "consensus.protocol=" + protocol,
                "consensus.group.id=kv",
                "consensus.cluster.id=local-" + protocol,
                "consensus.member.id=" + name(i),
                "consensus.members=" + members,
                "consensus.data.dir=" + dir.resolve(name(i) + "-data"),
                "consensus.bootstrap=true",
                "consensus.election.timeout.ms=300",
                "consensus.heartbeat.interval.ms=50",
                "consensus.request.timeout.ms=5000",
                "http.port=" + httpPorts[i],
                "");
        Files.writeString(dir.resolve(name(i) + ".properties"), properties);
    }

    /** The member id of member {@code i}: n1, n2, ... */
    public static String name(int i) {
        return "n" + (i + 1);
    }

    /** Starts (or restarts, from its data directory) member {@code i}. Output goes to {@code n<i>.log}. */
    public void start(int i) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path logFile = dir.resolve(name(i) + ".log");
        processes[i] = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.consensus.examples.kv.KvServer", "--config", dir.resolve(name(i) + ".properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /** Kills member {@code i} with SIGKILL and waits for it to be gone. */
    public void kill(int i) throws InterruptedException {
        processes[i].toHandle().destroyForcibly();
        processes[i].waitFor();
    }

    public boolean alive(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    /** Waits for a live member other than {@code excluded} (-1 for none) to report itself leader. */
    public int awaitLeader(int excluded, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < size; i++) {
                if (i != excluded && alive(i) && "LEADER".equals(statusField(i, "role"))) {
                    return i;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no leader elected within " + timeout.toSeconds() + " s (logs in " + dir + ")");
    }

    /** Waits until member {@code i} has applied at least {@code count} commands. */
    public void awaitApplied(int i, long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String applied = statusField(i, "appliedIndex");
            if (applied != null && Long.parseLong(applied) >= count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name(i) + " did not apply " + count + " commands within "
                + timeout.toSeconds() + " s (logs in " + dir + ")");
    }

    /** {@code PUT /kv/key} on member {@code i} with an idempotency key; the HTTP status code. */
    public int put(int i, String key, String value, String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(i, "/kv/" + encode(key)))
                .header("Idempotency-Key", idempotencyKey)
                .timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.ofString(value))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@code GET /kv/key?consistency=...} on member {@code i}; the value, or null if absent or failed. */
    public String get(int i, String key, String consistency) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(i, "/kv/" + encode(key) + "?consistency=" + consistency))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? response.body() : null;
    }

    /** One field of member {@code i}'s {@code /status}, or null if it does not answer. */
    public String statusField(int i, String name) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri(i, "/status")).timeout(Duration.ofSeconds(2)).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher matcher = FIELD.matcher(response.statusCode() == 200 ? response.body() : "");
            while (matcher.find()) {
                if (matcher.group(1).equals(name)) {
                    String value = matcher.group(2);
                    return value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private URI uri(int i, String path) {
        return URI.create("http://127.0.0.1:" + httpPorts[i] + path);
    }

    private static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static int[] freePorts(int count) throws IOException {
        int[] ports = new int[count];
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
        return ports;
    }

    @Override
    public void close() {
        for (Process process : processes) {
            if (process != null) {
                process.toHandle().destroyForcibly();
            }
        }
    }
}
