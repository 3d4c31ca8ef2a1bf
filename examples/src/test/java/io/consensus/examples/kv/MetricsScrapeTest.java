package io.consensus.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's view of a running three-member example cluster, through {@code GET /metrics} alone:
 * the key series exist, the commit index grows under writes, and the leader's lag series for a
 * stopped follower grow and return to zero once it is restarted.
 */
class MetricsScrapeTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final KvServer[] servers = new KvServer[3];
    private final Path[] configs = new Path[3];
    private final int[] httpPorts = new int[3];

    @AfterEach
    void stop() {
        for (KvServer server : servers) {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void keySeriesExistAndMoveWithWritesAndWithAFollowerStoppedAndRestarted() throws Exception {
        startCluster();
        int leader = awaitLeader();
        String leaderId = "n" + (leader + 1);
        int follower = (leader + 1) % 3;
        String followerId = "n" + (follower + 1);

        put(leader, "k0", "v0");
        Map<String, Double> before = scrape(leader);
        Map<String, String> group = Map.of("group", "default", "member", leaderId);
        assertThat(value(before, "consensus_role", Map.of("member", leaderId, "role", "leader"))).isEqualTo(1);
        assertThat(value(before, "consensus_era", group)).isPositive();
        assertThat(value(before, "consensus_elections_won_total", group)).isGreaterThanOrEqualTo(1);
        assertThat(value(before, "consensus_applied_index", group)).isPositive();
        assertThat(value(before, "consensus_proposals_in_flight", group)).isZero();
        assertThat(value(before, "consensus_proposals_rejected_total", Map.of("member", leaderId, "reason", "backpressure"))).isZero();
        assertThat(value(before, "consensus_commit_latency_seconds_count", group)).isPositive();
        assertThat(series(before, "consensus_commit_latency_seconds_bucket", group)).isNotEmpty();
        assertThat(value(before, "consensus_fsync_latency_seconds_count", Map.of("member", leaderId))).isPositive();
        assertThat(value(before, "consensus_fsync_batch_writes_count", group)).isPositive();
        Map<String, String> toFollower = Map.of("member", leaderId, "peer", followerId);
        assertThat(value(before, "consensus_transport_sent_messages_total", toFollower)).isPositive();
        assertThat(value(before, "consensus_transport_sent_bytes_total", toFollower)).isPositive();
        assertThat(value(before, "consensus_transport_received_messages_total", toFollower)).isPositive();
        assertThat(value(before, "consensus_transport_received_bytes_total", toFollower)).isPositive();
        assertThat(series(before, "consensus_transport_dropped_messages_total", toFollower)).hasSize(1);
        assertThat(series(before, "consensus_snapshot_duration_seconds_count", group)).hasSize(2); // taken, installed

        for (int i = 1; i <= 20; i++) {
            put(leader, "k" + i, "v" + i);
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(value(scrape(leader), "consensus_commit_index", group))
                .isGreaterThan(value(before, "consensus_commit_index", group)));
        assertThat(value(scrape(leader), "consensus_proposals_total", group))
                .isEqualTo(value(before, "consensus_proposals_total", group) + 20);
        Map<String, String> lagOfFollower = Map.of("group", "default", "member", leaderId, "peer", followerId);
        await().atMost(PATIENCE).untilAsserted(() ->
                assertThat(value(scrape(leader), "consensus_follower_lag_entries", lagOfFollower)).isZero());

        servers[follower].close();
        servers[follower] = null;
        for (int i = 21; i <= 40; i++) {
            put(leader, "k" + i, "v" + i);
        }
        Map<String, Double> whileStopped = scrape(leader);
        double lagEntries = value(whileStopped, "consensus_follower_lag_entries", lagOfFollower);
        assertThat(lagEntries).isPositive();
        double lagSeconds = value(whileStopped, "consensus_follower_lag_seconds", lagOfFollower);
        put(leader, "k41", "v41");
        await().atMost(PATIENCE).untilAsserted(() -> {
            Map<String, Double> later = scrape(leader);
            assertThat(value(later, "consensus_follower_lag_entries", lagOfFollower)).isGreaterThan(lagEntries);
            assertThat(value(later, "consensus_follower_lag_seconds", lagOfFollower)).isGreaterThan(lagSeconds);
        });

        servers[follower] = KvServer.start(configs[follower]);
        await().atMost(PATIENCE).untilAsserted(() -> {
            Map<String, Double> recovered = scrape(leader);
            assertThat(value(recovered, "consensus_follower_lag_entries", lagOfFollower)).isZero();
            assertThat(value(recovered, "consensus_follower_lag_seconds", lagOfFollower)).isLessThan(1);
        });
        Map<String, String> restartedGroup = Map.of("group", "default", "member", followerId);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(value(scrape(follower), "consensus_applied_index", restartedGroup))
                .isEqualTo(value(scrape(leader), "consensus_commit_index", group)));
    }

    private void startCluster() throws IOException {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add("n" + (i + 1) + "@127.0.0.1:" + freePort());
            httpPorts[i] = freePort();
        }
        for (int i = 0; i < 3; i++) {
            Properties p = new Properties();
            p.setProperty("consensus.protocol", "raft");
            p.setProperty("consensus.cluster.id", "metrics-scrape");
            p.setProperty("consensus.member.id", "n" + (i + 1));
            p.setProperty("consensus.members", String.join(",", members));
            p.setProperty("consensus.data.dir", dir.resolve("n" + (i + 1)).toString());
            p.setProperty("consensus.bootstrap", "true");
            p.setProperty("consensus.election.timeout.ms", "300");
            p.setProperty("consensus.heartbeat.interval.ms", "50");
            p.setProperty("http.port", String.valueOf(httpPorts[i]));
            configs[i] = dir.resolve("n" + (i + 1) + ".properties");
            try (Writer out = Files.newBufferedWriter(configs[i])) {
                p.store(out, null);
            }
            servers[i] = KvServer.start(configs[i]);
        }
    }

    private int awaitLeader() {
        return await().atMost(PATIENCE).until(() -> {
            for (int i = 0; i < 3; i++) {
                if (servers[i].group().status().isLeader()) {
                    return i;
                }
            }
            return -1;
        }, i -> i >= 0);
    }

    private void put(int member, String key, String value) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(member, "/kv/" + key))
                .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** Every sample of the member's {@code /metrics}, keyed by its series line ({@code name{labels}}). */
    private Map<String, Double> scrape(int member) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(member, "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        return Arrays.stream(response.body().split("\n"))
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .collect(Collectors.toMap(line -> line.substring(0, line.lastIndexOf(' ')),
                        line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))));
    }

    /** The series of {@code name} whose labels include {@code labels}. */
    private static Map<String, Double> series(Map<String, Double> scrape, String name, Map<String, String> labels) {
        return scrape.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + "{"))
                .filter(e -> labels.entrySet().stream().allMatch(l -> e.getKey().contains(l.getKey() + "=\"" + l.getValue() + "\"")))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The value of the one series of {@code name} whose labels include {@code labels}. */
    private static double value(Map<String, Double> scrape, String name, Map<String, String> labels) {
        Map<String, Double> matching = series(scrape, name, labels);
        assertThat(matching).as("series %s%s", name, labels).hasSize(1);
        return matching.values().iterator().next();
    }

    private URI uri(int member, String path) {
        return URI.create("http://127.0.0.1:" + httpPorts[member] + path);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
