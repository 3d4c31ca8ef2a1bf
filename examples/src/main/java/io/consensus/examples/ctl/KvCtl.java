package io.consensus.examples.ctl;

import io.consensus.api.Backup;
import io.consensus.api.ConsensusConfig;
import io.consensus.core.Recovery;
import io.consensus.examples.kv.KvStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar replicated-kv.jar ctl ...}: the operator's tool for the example server. Online
 * commands talk to the servers' HTTP API; {@code restore} and {@code unsafe-force-new-cluster} work on
 * a stopped member's data directory. Exit code 0 on success, 1 on a refusal or failure, 2 on a usage
 * error.
 */
@Command(name = "ctl", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Operate a replicated-kv cluster.",
        subcommands = {KvCtl.Put.class, KvCtl.Get.class, KvCtl.Cas.class, KvCtl.Delete.class, KvCtl.Status.class,
                KvCtl.AddMember.class, KvCtl.RemoveMember.class, KvCtl.ChangeAddress.class, KvCtl.TransferLeader.class, KvCtl.TakeBackup.class,
                KvCtl.VerifyBackup.class, KvCtl.Restore.class, KvCtl.ForceNewCluster.class})
public final class KvCtl {

    @Option(names = "--server", split = ",", paramLabel = "host:port",
            description = "HTTP address of members, comma-separated; membership changes need the leader among them")
    List<String> servers = List.of();

    @Option(names = "--timeout", paramLabel = "seconds", defaultValue = "30",
            description = "per-request timeout, and how long add-member waits for a learner to catch up (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the tool and returns its exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new KvCtl());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return commandLine.execute(args);
    }

    KvClient client() {
        return new KvClient(servers, Duration.ofSeconds(timeoutSeconds));
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints a failed answer; returns exit code 1. */
    int failed(KvClient.Response response) {
        String error = KvClient.field(response.body(), "error");
        spec.commandLine().getErr().println("error from " + response.server() + " (HTTP " + response.status() + "): "
                + (error != null ? error : response.body()));
        return 1;
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static ConsensusConfig loadConfig(Path propertiesFile) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(propertiesFile)) {
            properties.load(in);
        }
        return ConsensusConfig.fromProperties(properties);
    }

    @Command(name = "put", description = "Set a key.")
    static final class Put implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Parameters(index = "0") String key;
        @Parameters(index = "1") String value;

        @Override
        public Integer call() throws IOException {
            KvClient.Response response = ctl.client().any("PUT", "/kv/" + encode(key), value);
            if (response.status() != 200) {
                return ctl.failed(response);
            }
            ctl.out().println("ok");
            return 0;
        }
    }

    @Command(name = "get", description = "Read a key; exit code 1 if it is absent.")
    static final class Get implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Parameters(index = "0") String key;
        @Option(names = "--consistency", defaultValue = "linearizable", description = "linearizable (default), lease or stale")
        String consistency;

        @Override
        public Integer call() throws IOException {
            KvClient.Response response = ctl.client().any("GET", "/kv/" + encode(key) + "?consistency=" + encode(consistency), null);
            if (response.status() != 200) {
                return ctl.failed(response);
            }
            ctl.out().println(response.body());
            return 0;
        }
    }

    @Command(name = "cas", description = "Set a key only if it holds the expected value; exit code 1 if not.")
    static final class Cas implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Parameters(index = "0") String key;
        @Parameters(index = "1") String expected;
        @Parameters(index = "2") String value;

        @Override
        public Integer call() throws IOException {
            KvClient.Response response = ctl.client().any("PUT", "/kv/" + encode(key) + "?expect=" + encode(expected), value);
            if (response.status() != 200) {
                return ctl.failed(response);
            }
            ctl.out().println("ok");
            return 0;
        }
    }

    @Command(name = "delete", description = "Remove a key.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Parameters(index = "0") String key;

        @Override
        public Integer call() throws IOException {
            KvClient.Response response = ctl.client().any("DELETE", "/kv/" + encode(key), null);
            if (response.status() != 200) {
                return ctl.failed(response);
            }
            ctl.out().println("ok");
            return 0;
        }
    }

    @Command(name = "status", description = "Each listed member's view: role, leader, era, commit and applied counts, members.")
    static final class Status implements Callable<Integer> {
        @ParentCommand KvCtl ctl;

        @Override
        public Integer call() {
            KvClient client = ctl.client();
            int answered = 0;
            for (String server : client.servers()) {
                String status = client.status(server);
                if (status == null) {
                    ctl.out().printf("%s: no answer%n", server);
                    continue;
                }
                answered++;
                ctl.out().printf("%s: %s %s leader=%s era=%s commit=%s applied=%s members=%s%n", server,
                        KvClient.field(status, "memberId"), KvClient.field(status, "role"), KvClient.field(status, "leader"),
                        KvClient.field(status, "era"), KvClient.field(status, "commitIndex"),
                        KvClient.field(status, "appliedIndex"), KvClient.members(status));
            }
            return answered > 0 ? 0 : 1;
        }
    }

    @Command(name = "add-member", description = "Add a member as a learner, wait until it has caught up, then promote it to voter.")
    static final class AddMember implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Parameters(index = "0", paramLabel = "id@host:port", description = "the new member's id and transport address")
        String member;
        @Option(names = "--learner", description = "leave it a learner (non-voting)")
        boolean learnerOnly;

        @Override
        public Integer call() throws IOException, InterruptedException {
            io.consensus.api.Member parsed = io.consensus.api.Member.parse(member);
            KvClient client = ctl.client();
            KvClient.Response added = client.leader("PUT", "/admin/members/" + encode(parsed.id()) + "?address="
                    + encode(parsed.host() + ":" + parsed.port()) + "&role=learner");
            if (added.status() != 200) {
                return ctl.failed(added);
            }
            ctl.out().println("added " + parsed + " as a learner");
            if (learnerOnly) {
                return 0;
            }
            // Promotion is refused (409) until the learner holds what is committed; a voter that is
            // behind would weaken the quorum it joins.
            // A promotion whose answer was lost may still have committed: the membership is the judge.
            long deadline = System.nanoTime() + Duration.ofSeconds(ctl.timeoutSeconds).toNanos();
            while (true) {
                KvClient.Response promoted = client.leader("POST", "/admin/members/" + encode(parsed.id()) + "/promote");
                if (promoted.status() == 200 || isVoter(client, parsed.id())) {
                    ctl.out().println("promoted " + parsed.id() + " to voter");
                    return 0;
                }
                if (promoted.status() != 409 || System.nanoTime() > deadline) {
                    return ctl.failed(promoted);
                }
                Thread.sleep(200);
            }
        }

        private static boolean isVoter(KvClient client, String id) throws IOException {
            String status = client.status(client.leaderServer());
            return status != null && KvClient.members(status).stream().anyMatch(m -> m.startsWith(id + "@") && m.endsWith("(voter)"));
        }
    }

    @Command(name = "remove-member", description = "Remove a voter or learner.")
    static final class RemoveMember implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Parameters(index = "0", paramLabel = "id") String id;

        @Override
        public Integer call() throws IOException {
            KvClient.Response response = ctl.client().leader("DELETE", "/admin/members/" + encode(id));
            if (response.status() != 200) {
                return ctl.failed(response);
            }
            ctl.out().println("removed " + id);
            return 0;
        }
    }

    @Command(name = "change-address", description = "Move a member to a new transport address, keeping its id, role and data. "
            + "Then restart it there with its address changed in its own configuration; until then it counts as down.")
    static final class ChangeAddress implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Parameters(index = "0", paramLabel = "id@host:port", description = "the member's id and its new transport address")
        String member;

        @Override
        public Integer call() throws IOException {
            io.consensus.api.Member parsed = io.consensus.api.Member.parse(member);
            KvClient.Response response = ctl.client().leader("PUT", "/admin/members/" + encode(parsed.id())
                    + "/address?address=" + encode(parsed.host() + ":" + parsed.port()));
            if (response.status() != 200) {
                return ctl.failed(response);
            }
            ctl.out().println(parsed.id() + " is now at " + parsed.host() + ":" + parsed.port()
                    + "; restart it there with the same data directory");
            return 0;
        }
    }

    @Command(name = "transfer-leader", description = "Hand leadership to a caught-up voter.")
    static final class TransferLeader implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Parameters(index = "0", paramLabel = "id") String id;

        @Override
        public Integer call() throws IOException {
            KvClient.Response response = ctl.client().leader("POST", "/admin/transfer-leader/" + encode(id));
            if (response.status() != 200) {
                return ctl.failed(response);
            }
            ctl.out().println(id + " leads");
            return 0;
        }
    }

    @Command(name = "backup", description = "Download a consistent backup of a member's applied state and verify its checksum.")
    static final class TakeBackup implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Parameters(index = "0", paramLabel = "file") Path file;

        @Override
        public Integer call() throws IOException {
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            try {
                HttpResponse<Path> response = ctl.client().download("/admin/backup", partial);
                if (response.statusCode() != 200) {
                    return ctl.failed(new KvClient.Response(response.uri().getAuthority(), response.statusCode(),
                            Files.readString(partial)));
                }
                Backup backup = Recovery.verify(partial);
                String announced = response.headers().firstValue("X-Backup-Crc32c").orElse("");
                if (!announced.equals(Integer.toHexString(backup.crc32c()))) {
                    throw new IOException("the server announced checksum " + announced + " but the file has "
                            + Integer.toHexString(backup.crc32c()));
                }
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                ctl.out().println("backup of group " + backup.groupId() + " (" + backup.protocol() + ") from "
                        + response.uri().getAuthority() + ": " + backup.appliedCount() + " commands applied, index "
                        + backup.index() + ", " + backup.sizeBytes() + " bytes, crc32c " + Integer.toHexString(backup.crc32c())
                        + ", written to " + file);
                return 0;
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }

    @Command(name = "verify-backup", description = "Check a backup file's checksum and print what it holds (offline).")
    static final class VerifyBackup implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Parameters(index = "0", paramLabel = "file") Path file;

        @Override
        public Integer call() throws IOException {
            Backup backup = Recovery.verify(file);
            ctl.out().println("ok: group " + backup.groupId() + " (" + backup.protocol() + "), " + backup.appliedCount()
                    + " commands applied, index " + backup.index() + ", voters " + backup.membership().voters()
                    + ", crc32c " + Integer.toHexString(backup.crc32c()));
            return 0;
        }
    }

    @Command(name = "restore", description = "Seed a stopped member's empty data directory from a backup, as a member of a new "
            + "group of the voters in its consensus.members (offline).")
    static final class Restore implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Option(names = "--config", required = true, paramLabel = "member.properties") Path config;
        @Parameters(index = "0", paramLabel = "file") Path file;

        @Override
        public Integer call() throws IOException {
            Backup restored = Recovery.restore(file, loadConfig(config));
            ctl.out().println("restored " + restored.appliedCount() + " commands applied (index " + restored.index()
                    + ") into " + config + "'s data directory; voters " + restored.membership().voters());
            return 0;
        }
    }

    @Command(name = "unsafe-force-new-cluster", description = "UNSAFE. Make this stopped member the only voter of its group, "
            + "keeping all it holds, when a majority is lost for good (offline).")
    static final class ForceNewCluster implements Callable<Integer> {
        @ParentCommand KvCtl ctl;
        @Option(names = "--config", required = true, paramLabel = "member.properties") Path config;
        @Option(names = "--i-accept-data-loss", required = true,
                description = "required: writes other members committed but this one never received are lost")
        boolean accepted;

        @Override
        public Integer call() throws IOException {
            ConsensusConfig member = loadConfig(config);
            PrintWriter out = ctl.out();
            out.println("*************************************************************************************");
            out.println("* UNSAFE: forcing " + member.memberId() + " to be the only voter of group " + member.groupId() + ".");
            out.println("* Writes that other members committed but " + member.memberId() + " never received are LOST,");
            out.println("* and writes only " + member.memberId() + " holds, never committed, now count as committed.");
            out.println("* Never restart another old member with its old data directory: wipe it and add it");
            out.println("* back with add-member.");
            out.println("*************************************************************************************");
            Recovery.Forced forced = Recovery.forceNewCluster(member, new KvStateMachine());
            out.println("kept " + forced.appliedCount() + " applied commands (through index " + forced.index() + "); voters were "
                    + forced.previous().voters() + ", now " + forced.now().voters());
            return 0;
        }
    }
}
