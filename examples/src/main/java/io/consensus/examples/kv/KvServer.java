package io.consensus.examples.kv;

import com.sun.net.httpserver.HttpServer;
import io.consensus.api.ConsensusConfig;
import io.consensus.api.ConsensusGroup;
import io.consensus.core.Consensus;
import io.consensus.metrics.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * One member of the replicated key-value store: a {@link ConsensusGroup} with a
 * {@link KvStateMachine}, served over HTTP with the JDK's built-in server.
 */
public final class KvServer implements AutoCloseable {

    private final ConsensusGroup group;
    private final HttpServer http;

    private KvServer(ConsensusGroup group, HttpServer http) {
        this.group = group;
        this.http = http;
    }

    /** Starts a member from a properties file with {@code consensus.*} keys and {@code http.port}. */
    public static KvServer start(Path propertiesFile) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(propertiesFile)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + propertiesFile + ": " + e.getMessage(), e);
        }
        String port = properties.getProperty("http.port");
        if (port == null) {
            throw new IllegalArgumentException(propertiesFile + ": http.port is required");
        }
        ConsensusConfig config = ConsensusConfig.fromProperties(properties);
        // The JDK server otherwise leaves Nagle on, and small responses wait ~40 ms for a delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ConsensusGroup group = Consensus.group(config).stateMachine(new KvStateMachine())
                .metrics(new MicrometerMetrics(prometheus)).build();
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(properties.getProperty("http.host", "127.0.0.1"),
                    Integer.parseInt(port)), 128);
            http.setExecutor(Executors.newFixedThreadPool(8, task -> {
                Thread thread = new Thread(task, "kv-http");
                thread.setDaemon(true);
                return thread;
            }));
            KvHttpApi api = new KvHttpApi(group);
            http.createContext("/kv/", api::handleKv);
            http.createContext("/status", api::handleStatus);
            http.createContext("/metrics", new MetricsEndpoint(prometheus)::handle);
            http.createContext("/admin/", new KvAdminApi(group)::handle);
            http.start();
            return new KvServer(group, http);
        } catch (IOException | RuntimeException e) {
            group.close();
            throw new IllegalStateException("cannot serve HTTP on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** The consensus group this server fronts. */
    public ConsensusGroup group() {
        return group;
    }

    @Override
    public void close() {
        http.stop(0);
        group.close();
    }

    /** {@code java -jar replicated-kv.jar --config node1.properties}. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2 || !args[0].equals("--config")) {
            System.err.println("usage: java -jar replicated-kv.jar --config <member.properties>");
            System.exit(2);
        }
        KvServer server = start(Path.of(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println("member " + server.group.memberId() + " serving HTTP on " + server.http.getAddress());
        stopped.await();
    }
}
