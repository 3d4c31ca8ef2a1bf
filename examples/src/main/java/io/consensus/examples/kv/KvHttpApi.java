package io.consensus.examples.kv;

import com.sun.net.httpserver.HttpExchange;
import io.consensus.api.ConsensusException;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.GroupStatus;
import io.consensus.api.Outcome;
import io.consensus.api.ReadConsistency;
import io.consensus.api.SubmitOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The HTTP API of the example server. A write answers 200 only once committed and applied; a
 * failure answers 503 with {@code outcome} {@code not-applied} (safe to retry) or {@code unknown}
 * (may still commit: retry with the same {@code Idempotency-Key}).
 */
final class KvHttpApi {

    private final ConsensusGroup group;

    KvHttpApi(ConsensusGroup group) {
        this.group = group;
    }

    void handleKv(HttpExchange exchange) throws IOException {
        try {
            String key = URLDecoder.decode(exchange.getRequestURI().getRawPath().substring("/kv/".length()), StandardCharsets.UTF_8);
            Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
            if (key.isEmpty()) {
                respond(exchange, 400, error("missing key: use /kv/{key}", null));
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "GET" -> get(exchange, key, query);
                case "PUT" -> put(exchange, key, query);
                case "DELETE" -> write(exchange, KvStateMachine.delete(key), false);
                default -> respond(exchange, 405, error("method " + exchange.getRequestMethod() + " not allowed", null));
            }
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, error(e.getMessage(), null));
        } finally {
            exchange.close();
        }
    }

    private void get(HttpExchange exchange, String key, Map<String, String> query) throws IOException {
        String consistency = query.getOrDefault("consistency", "linearizable");
        ReadConsistency level = switch (consistency) {
            case "linearizable" -> ReadConsistency.LINEARIZABLE;
            case "lease" -> ReadConsistency.LEASE;
            case "stale" -> ReadConsistency.STALE;
            default -> throw new IllegalArgumentException("consistency must be linearizable, lease or stale, was " + consistency);
        };
        try {
            String value = KvStateMachine.value(group.query(KvStateMachine.get(key), level).get());
            if (value == null) {
                respond(exchange, 404, error("no such key", null));
            } else {
                respond(exchange, 200, value);
            }
        } catch (Exception e) {
            failed(exchange, e, Outcome.NOT_APPLIED);
        }
    }

    private void put(HttpExchange exchange, String key, Map<String, String> query) throws IOException {
        String value = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String expected = query.get("expect");
        if (expected == null) {
            write(exchange, KvStateMachine.put(key, value), false);
        } else {
            write(exchange, KvStateMachine.compareAndSet(key, expected, value), true);
        }
    }

    private void write(HttpExchange exchange, byte[] command, boolean compareAndSet) throws IOException {
        String idempotencyKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        SubmitOptions options = idempotencyKey == null ? SubmitOptions.DEFAULT : SubmitOptions.requestId(idempotencyKey);
        try {
            byte[] result = group.submit(command, options).get();
            if (compareAndSet && !KvStateMachine.swapped(result)) {
                respond(exchange, 412, error("current value differs from expect, or the key is absent", null));
            } else {
                respond(exchange, 200, "ok");
            }
        } catch (Exception e) {
            failed(exchange, e, Outcome.UNKNOWN);
        }
    }

    private void failed(HttpExchange exchange, Exception e, Outcome otherwise) throws IOException {
        Throwable cause = e instanceof ExecutionException || e instanceof CompletionException ? e.getCause() : e;
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Outcome outcome = cause instanceof ConsensusException ce ? ce.outcome() : otherwise;
        String label = switch (outcome) {
            case NOT_APPLIED -> "not-applied";
            case UNKNOWN -> "unknown";
            case APPLIED -> "applied";
        };
        respond(exchange, 503, error(String.valueOf(cause.getMessage()), label));
    }

    void handleStatus(HttpExchange exchange) throws IOException {
        try {
            GroupStatus status = group.status();
            String members = status.membership().all().stream()
                    .map(m -> "{\"id\":" + quote(m.id()) + ",\"address\":" + quote(m.host() + ":" + m.port())
                            + ",\"voter\":" + status.membership().isVoter(m.id()) + "}")
                    .collect(Collectors.joining(","));
            String followers = status.followers().stream()
                    .map(f -> "{\"id\":" + quote(f.memberId()) + ",\"matchIndex\":" + f.matchIndex() + ",\"lag\":" + f.lagEntries()
                            + ",\"lastContactMs\":" + f.lastContactMs() + "}")
                    .collect(Collectors.joining(","));
            String json = "{\"memberId\":" + quote(status.memberId()) + ",\"protocol\":" + quote(status.protocol())
                    + ",\"role\":" + quote(status.role().name()) + ",\"leader\":" + quote(status.leaderId())
                    + ",\"era\":" + status.era() + ",\"eraDetail\":" + quote(status.eraDetail())
                    + ",\"commitIndex\":" + status.commitIndex() + ",\"appliedIndex\":" + status.appliedIndex()
                    + ",\"members\":[" + members + "],\"followers\":[" + followers + "]}";
            respond(exchange, 200, json);
        } finally {
            exchange.close();
        }
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.put(name, value);
        }
        return query;
    }

    static String error(String message, String outcome) {
        return "{\"error\":" + quote(message) + (outcome == null ? "" : ",\"outcome\":" + quote(outcome)) + "}";
    }

    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
