package io.consensus.examples.kv;

import com.sun.net.httpserver.HttpExchange;
import io.consensus.api.Backup;
import io.consensus.api.ConsensusGroup;
import io.consensus.api.Member;
import io.consensus.api.MembershipChange;
import io.consensus.api.RejectedException;
import io.consensus.api.TimeoutException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The operator's endpoints of the example server, used by {@code replicated-kv.jar ctl}:
 *
 * <ul>
 *   <li>{@code PUT /admin/members/{id}?address=host:port&role=learner|voter}: add a member</li>
 *   <li>{@code POST /admin/members/{id}/promote}: make a caught-up learner a voter</li>
 *   <li>{@code PUT /admin/members/{id}/address?address=host:port}: move a member to a new address</li>
 *   <li>{@code DELETE /admin/members/{id}}: remove a member</li>
 *   <li>{@code POST /admin/transfer-leader/{id}}: hand leadership over</li>
 *   <li>{@code GET /admin/backup}: a backup of this member's applied state, streamed</li>
 * </ul>
 *
 * Membership changes and transfers run on the leader: another member answers 421 naming it. 409
 * means the group refused the change as it stands (e.g. a learner not yet caught up); 503 that the
 * outcome is unknown or no leader is known.
 */
final class KvAdminApi {

    private static final String MEMBERS = "/admin/members/";
    private static final String TRANSFER = "/admin/transfer-leader/";

    private final ConsensusGroup group;

    KvAdminApi(ConsensusGroup group) {
        this.group = group;
    }

    void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            if (path.equals("/admin/backup") && method.equals("GET")) {
                backup(exchange);
            } else if (path.startsWith(TRANSFER) && method.equals("POST")) {
                String id = decode(path.substring(TRANSFER.length()));
                onLeader(exchange, () -> group.transferLeadership(id));
            } else if (path.startsWith(MEMBERS) && path.endsWith("/promote") && method.equals("POST")) {
                String id = decode(path.substring(MEMBERS.length(), path.length() - "/promote".length()));
                onLeader(exchange, () -> group.promote(id));
            } else if (path.startsWith(MEMBERS) && path.endsWith("/address") && method.equals("PUT")) {
                String id = decode(path.substring(MEMBERS.length(), path.length() - "/address".length()));
                Member moved = Member.parse(id + "@" + requiredAddress(exchange));
                onLeader(exchange, () -> group.changeMembership(new MembershipChange.ChangeAddress(moved)));
            } else if (path.startsWith(MEMBERS) && method.equals("DELETE")) {
                String id = decode(path.substring(MEMBERS.length()));
                onLeader(exchange, () -> group.removeMember(id));
            } else if (path.startsWith(MEMBERS) && method.equals("PUT")) {
                addMember(exchange, decode(path.substring(MEMBERS.length())));
            } else {
                KvHttpApi.respond(exchange, 404, KvHttpApi.error(method + " " + path + " is not an admin endpoint", null));
            }
        } catch (IllegalArgumentException e) {
            KvHttpApi.respond(exchange, 400, KvHttpApi.error(e.getMessage(), null));
        } finally {
            exchange.close();
        }
    }

    private static String requiredAddress(HttpExchange exchange) {
        String address = KvHttpApi.parseQuery(exchange.getRequestURI().getRawQuery()).get("address");
        if (address == null) {
            throw new IllegalArgumentException("address=host:port is required");
        }
        return address;
    }

    private void addMember(HttpExchange exchange, String id) throws IOException {
        Map<String, String> query = KvHttpApi.parseQuery(exchange.getRequestURI().getRawQuery());
        Member member = Member.parse(id + "@" + requiredAddress(exchange));
        String role = query.getOrDefault("role", "learner");
        switch (role) {
            case "learner" -> onLeader(exchange, () -> group.addLearner(member));
            case "voter" -> onLeader(exchange, () -> group.addVoter(member));
            default -> throw new IllegalArgumentException("role must be learner or voter, was " + role);
        }
    }

    /** Runs a membership change or transfer here if this member leads, else names the leader. */
    private void onLeader(HttpExchange exchange, java.util.function.Supplier<CompletableFuture<Void>> request) throws IOException {
        if (!group.status().isLeader()) {
            String leader = group.status().leaderId();
            KvHttpApi.respond(exchange, 421, "{\"error\":\"not the leader\",\"leader\":" + KvHttpApi.quote(leader) + "}");
            return;
        }
        try {
            request.get().get();
            KvHttpApi.respond(exchange, 200, "ok");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            KvHttpApi.respond(exchange, 503, KvHttpApi.error("interrupted", "unknown"));
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RejectedException rejected && rejected.reason() == RejectedException.Reason.INVALID) {
                KvHttpApi.respond(exchange, 409, KvHttpApi.error(cause.getMessage(), "not-applied"));
            } else {
                String outcome = cause instanceof TimeoutException ? "unknown" : "not-applied";
                KvHttpApi.respond(exchange, 503, KvHttpApi.error(String.valueOf(cause.getMessage()), outcome));
            }
        }
    }

    /**
     * Writes the backup to a temporary file first, so the state machine pauses only for a local write,
     * never for a slow client; the headers describe it and the file's own checksum covers it.
     */
    private void backup(HttpExchange exchange) throws IOException {
        Path dir = Files.createTempDirectory("kv-backup");
        Path file = dir.resolve("backup");
        try {
            Backup backup;
            try {
                backup = group.backup(file).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                KvHttpApi.respond(exchange, 503, KvHttpApi.error("interrupted", null));
                return;
            } catch (ExecutionException e) {
                KvHttpApi.respond(exchange, 503, KvHttpApi.error("backup failed: " + e.getCause().getMessage(), null));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.getResponseHeaders().set("X-Backup-Index", Long.toString(backup.index()));
            exchange.getResponseHeaders().set("X-Backup-Applied", Long.toString(backup.appliedCount()));
            exchange.getResponseHeaders().set("X-Backup-Crc32c", Integer.toHexString(backup.crc32c()));
            exchange.sendResponseHeaders(200, backup.sizeBytes());
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static String decode(String raw) {
        String id = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        if (id.isEmpty()) {
            throw new IllegalArgumentException("missing member id");
        }
        return id;
    }
}
