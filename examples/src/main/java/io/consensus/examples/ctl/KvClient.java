package io.consensus.examples.ctl;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to the example servers listed with {@code --server}: plain requests go to the first that
 * answers (any member serves them, forwarding to the leader); membership changes and transfers go
 * to the leader, found through {@code /status}.
 */
final class KvClient {

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+|null|true|false)");

    /** An answer, and the server that gave it. */
    record Response(String server, int status, String body) {}

    private final List<String> servers;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    KvClient(List<String> servers, Duration timeout) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("--server host:port is required (several may be given, comma-separated)");
        }
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
    }

    List<String> servers() {
        return servers;
    }

    /** Sends to the first listed server that answers. */
    Response any(String method, String path, String body) throws IOException {
        IOException last = null;
        for (String server : servers) {
            try {
                return send(server, method, path, body);
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no server answered (" + String.join(", ", servers) + "): " + last.getMessage(), last);
    }

    /** Sends to the listed server that leads. */
    Response leader(String method, String path) throws IOException {
        return send(leaderServer(), method, path, null);
    }

    /** The listed server whose member leads; waits up to the timeout for one, as elections take a moment. */
    String leaderServer() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return findLeader();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }

    private String findLeader() throws IOException {
        String leaderId = null;
        for (String server : servers) {
            String status = status(server);
            if (status == null) {
                continue;
            }
            if ("LEADER".equals(field(status, "role"))) {
                return server;
            }
            leaderId = leaderId != null ? leaderId : field(status, "leader");
        }
        throw new IOException(leaderId == null ? "no listed server knows a leader"
                : "the leader is " + leaderId + ", which is not among --server " + String.join(",", servers));
    }

    /** {@code GET /status} of one server, or null if it does not answer. */
    String status(String server) {
        try {
            Response response = send(server, "GET", "/status", null);
            return response.status() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Downloads {@code path} from the first server that answers into {@code file}; the answer's headers. */
    HttpResponse<Path> download(String path, Path file) throws IOException {
        IOException last = null;
        for (String server : servers) {
            try {
                return http.send(request(server, "GET", path, null), HttpResponse.BodyHandlers.ofFile(file));
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("no server answered (" + String.join(", ", servers) + "): " + last.getMessage(), last);
    }

    private Response send(String server, String method, String path, String body) throws IOException {
        try {
            HttpResponse<String> response = http.send(request(server, method, path, body), HttpResponse.BodyHandlers.ofString());
            return new Response(server, response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private HttpRequest request(String server, String method, String path, String body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        return HttpRequest.newBuilder(URI.create("http://" + server + path)).timeout(timeout).method(method, publisher).build();
    }

    /** One top-level field of a JSON object, unquoted; null if absent. Enough for this API's flat answers. */
    static String field(String json, String name) {
        Matcher matcher = FIELD.matcher(json);
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                String value = matcher.group(2);
                return value.startsWith("\"") ? value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\")
                        : value.equals("null") ? null : value;
            }
        }
        return null;
    }

    /** The {@code members} of a {@code /status} answer as {@code id@address (voter|learner)}. */
    static List<String> members(String status) {
        List<String> members = new ArrayList<>();
        Matcher matcher = Pattern.compile("\\{\"id\":\"([^\"]*)\",\"address\":\"([^\"]*)\",\"voter\":(true|false)\\}").matcher(status);
        while (matcher.find()) {
            members.add(matcher.group(1) + "@" + matcher.group(2) + (matcher.group(3).equals("true") ? " (voter)" : " (learner)"));
        }
        return members;
    }
}
