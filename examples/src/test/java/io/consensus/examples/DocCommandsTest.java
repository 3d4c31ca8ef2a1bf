package io.consensus.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consensus.examples.ctl.KvCtl;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the docs true. Every {@code replicated-kv.jar} command in README.md and docs/ is either the
 * demo (which checks itself) or in a block marked {@code <!-- checked -->}; the checked blocks of
 * docs/operations.md are one story, run here in order against member processes started from the
 * doc's own properties file, with each doc port mapped to a free one. {@code ctl} commands run
 * in-process (the shaded jar is built after the tests) and must exit 0 and print what
 * {@code # prints:} says; comment lines are the operator's manual steps, and an unknown one fails.
 */
class DocCommandsTest {

    private static final String JAR = "java -jar examples/target/replicated-kv.jar ";
    private static final String CHECKED = "<!-- checked -->";
    private static final Pattern ADDRESS = Pattern.compile("(localhost|127\\.0\\.0\\.1):(\\d+)");
    private static final Pattern STOP = Pattern.compile("# stop (n\\d+)");
    private static final Pattern WIPE = Pattern.compile("# wipe (n\\d+)");
    private static final Pattern MOVE = Pattern.compile("# (n\\d+) moves to (\\S+)");
    private static final Pattern NO_BOOTSTRAP = Pattern.compile("# .*remove consensus\\.bootstrap=true from every properties file");
    private static final Path DOCS = Path.of("..", "docs");

    // Kept when a test fails: the members' logs are there.
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    private final Map<Integer, Integer> ports = new HashMap<>();
    private final Map<String, Process> running = new TreeMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int wiped;

    @AfterEach
    void stopAll() throws InterruptedException {
        for (String member : new ArrayList<>(running.keySet())) {
            stop(member);
        }
    }

    @Test
    void everyJarCommandInTheDocsIsCheckedOrIsTheDemo() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("..", "README.md")));
        try (Stream<Path> docs = Files.list(DOCS)) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<String> unchecked = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            List<String> checked = checkedLines(lines);
            for (String line : lines) {
                int at = line.indexOf(JAR);
                if (at >= 0 && !checked.contains(line.strip()) && !line.substring(at + JAR.length()).strip().startsWith("demo")) {
                    unchecked.add(file.getFileName() + ": " + line.strip());
                }
            }
        }
        assertThat(unchecked).as("jar commands in the docs that no test runs").isEmpty();
    }

    @Test
    void theOperationsStoryRunsAsWritten() throws Exception {
        List<String> doc = Files.readAllLines(DOCS.resolve("operations.md"));
        List<String> story = checkedLines(doc);
        assertThat(story).as("checked commands in operations.md").hasSizeGreaterThan(20);
        String template = propertiesBlock(doc);
        for (String member : List.of("n1", "n2", "n3")) {
            writeProperties(member, template);
        }
        for (String line : story) {
            run(line);
        }
    }

    private void run(String line) throws Exception {
        Matcher matcher;
        if ((matcher = STOP.matcher(line)).matches()) {
            stop(matcher.group(1));
        } else if ((matcher = WIPE.matcher(line)).matches()) {
            Path data = work.resolve(matcher.group(1) + "-data");
            if (Files.exists(data)) {
                Files.move(data, work.resolve(matcher.group(1) + "-data.aside-" + ++wiped));
            }
        } else if ((matcher = MOVE.matcher(line)).matches()) {
            move(matcher.group(1), mapAddresses(matcher.group(2)));
        } else if (NO_BOOTSTRAP.matcher(line).matches()) {
            // "Once started": a member reads its properties file as its process starts.
            await().atMost(Duration.ofSeconds(30)).until(() -> running.keySet().stream().allMatch(m -> status(httpAddress(m)) != null));
            for (Path file : propertiesFiles()) {
                Files.writeString(file, Files.readString(file).replace("consensus.bootstrap=true\n", ""));
            }
        } else if (line.startsWith(JAR + "--config ") && line.endsWith("&")) {
            start(line.substring((JAR + "--config ").length(), line.length() - 1).strip().replace(".properties", ""));
        } else if (line.startsWith(JAR + "ctl ")) {
            ctl(line);
        } else {
            throw new AssertionError("operations.md has a checked line this test cannot run: " + line);
        }
    }

    private void ctl(String line) {
        int comment = line.indexOf("# prints: ");
        String expected = comment < 0 ? null : line.substring(comment + "# prints: ".length()).strip();
        String command = (comment < 0 ? line : line.substring(0, comment)).substring((JAR + "ctl ").length()).strip();
        List<String> args = new ArrayList<>();
        for (String token : command.split("\\s+")) {
            args.add(token.endsWith(".properties") || token.endsWith(".backup") ? work.resolve(token).toString() : mapAddresses(token));
        }
        int server = args.indexOf("--server");
        if (server >= 0) {
            awaitReady(List.of(args.get(server + 1).split(",")));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = KvCtl.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as("%s%nstdout: %s%nstderr: %s", line, out, err).isZero();
        if (expected != null) {
            assertThat(out.toString()).as(line).contains(expected);
        }
    }

    /** As an operator would: waits until the listed running members answer and one of them leads. */
    private void awaitReady(List<String> servers) {
        List<String> live = servers.stream().filter(s -> running.containsValue(processOn(s))).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> live.stream().allMatch(s -> status(s) != null)
                && running.keySet().stream().map(this::httpAddress).map(this::status)
                        .anyMatch(s -> s != null && s.contains("\"role\":\"LEADER\"")));
    }

    private Process processOn(String server) {
        return running.entrySet().stream().filter(e -> httpAddress(e.getKey()).endsWith(server.substring(server.indexOf(':'))))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private String status(String server) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + server + "/status")).timeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String httpAddress(String member) {
        try {
            Matcher port = Pattern.compile("http.port=(\\d+)").matcher(Files.readString(work.resolve(member + ".properties")));
            return port.find() ? "127.0.0.1:" + port.group(1) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void start(String member) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--config", work.resolve(member + ".properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(member + ".log").toFile()))
                .start();
        running.put(member, process);
    }

    private void stop(String member) throws InterruptedException {
        Process process = running.remove(member);
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    /** {@code member}'s properties: the doc's n1.properties with its id, data directory and HTTP port. */
    private void writeProperties(String member, String template) throws IOException {
        int number = Integer.parseInt(member.substring(1));
        String properties = template.replace("consensus.member.id=n1", "consensus.member.id=" + member)
                .replace("consensus.data.dir=n1-data", "consensus.data.dir=" + work.resolve(member + "-data"))
                .replace("http.port=8081", "http.port=" + mapPort(8080 + number));
        assertThat(properties).as("the doc's n1.properties").contains("http.port=" + mapPort(8080 + number)).contains(member + "-data");
        Files.writeString(work.resolve(member + ".properties"), mapAddresses(properties)
                + "consensus.election.timeout.ms=300\nconsensus.heartbeat.interval.ms=50\n");
    }

    private void move(String member, String address) throws IOException {
        Pattern entry = Pattern.compile("(consensus\\.members=.*?\\b" + member + "@)[^,\\s]+");
        for (Path file : propertiesFiles()) {
            Files.writeString(file, entry.matcher(Files.readString(file)).replaceFirst("$1" + address));
        }
    }

    private List<Path> propertiesFiles() throws IOException {
        try (Stream<Path> files = Files.list(work)) {
            return files.filter(f -> f.toString().endsWith(".properties")).toList();
        }
    }

    private String mapAddresses(String text) {
        return ADDRESS.matcher(text).replaceAll(m -> m.group(1) + ":" + mapPort(Integer.parseInt(m.group(2))));
    }

    private int mapPort(int docPort) {
        return ports.computeIfAbsent(docPort, p -> {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The lines of every fenced block that follows a {@code <!-- checked -->} line, stripped. */
    private static List<String> checkedLines(List<String> lines) {
        List<String> checked = new ArrayList<>();
        boolean armed = false;
        boolean inBlock = false;
        for (String line : lines) {
            if (inBlock) {
                if (line.startsWith("```")) {
                    inBlock = false;
                } else if (!line.isBlank()) {
                    checked.add(line.strip());
                }
            } else if (line.strip().equals(CHECKED)) {
                armed = true;
            } else if (armed && line.startsWith("```")) {
                inBlock = true;
                armed = false;
            }
        }
        return checked;
    }

    /** The first {@code properties} block: the doc's n1.properties. */
    private static String propertiesBlock(List<String> lines) {
        int start = lines.indexOf("```properties");
        assertThat(start).as("operations.md shows n1.properties").isNotNegative();
        return lines.subList(start + 1, lines.size()).stream().takeWhile(l -> !l.startsWith("```"))
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
