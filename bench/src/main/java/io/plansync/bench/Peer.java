package io.plansync.bench;

import io.plansync.testing.ServiceProcess;
import io.plansync.testing.TestDatabases;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The peer: @supabase/stripe-sync-engine (pinned in bench/peer/package.json, installed there by bench/run --peer)
 * behind bench/peer/server.js, a Node HTTP front, on a fresh database of its own with the package's migrations. It
 * stores each webhook's object as it comes, and syncs no plan anywhere: what it does per event is in RESULTS.md.
 */
final class Peer implements AutoCloseable {
    private static final Path FRONT = Path.of("bench/peer/server.js");
    private static final Path PACKAGE = Path.of("bench/peer/node_modules/@supabase/stripe-sync-engine/package.json");

    private final TestDatabases.Database db = TestDatabases.fresh("bench_peer");
    private final String webhookSecret = "whsec_peer_" + UUID.randomUUID().toString().replace("-", "");
    private final int port = ServiceProcess.freePort();
    private final Path log = Path.of("bench/target/peer.log");
    private Process process;

    /** Starts the front (it runs the migrations first) and waits until it answers. */
    Peer start() throws Exception {
        if (!Files.exists(PACKAGE)) {
            throw new IllegalStateException("the peer is not installed: run the benchmark through ./bench/run --peer");
        }
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder("node", FRONT.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("PEER_DATABASE_URL", nodeDatabaseUrl());
        builder.environment().put("PEER_WEBHOOK_SECRET", webhookSecret);
        builder.environment().put("PEER_PORT", Integer.toString(port));
        process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "peer-reaper"));
        awaitHealthy(Duration.ofSeconds(60));
        return this;
    }

    /** The package's version, as installed. */
    String version() throws IOException {
        String json = Files.readString(PACKAGE);
        return json.replaceAll("(?s).*\"version\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    String webhookUrl() {
        return "http://127.0.0.1:" + port + "/webhook";
    }

    String webhookSecret() {
        return webhookSecret;
    }

    long pid() {
        return process.pid();
    }

    TestDatabases.Database db() {
        return db;
    }

    /** The JDBC URL as node-postgres takes it: postgres://user:password@host:port/database. */
    private String nodeDatabaseUrl() {
        URI jdbc = URI.create(db.url().substring("jdbc:".length()));
        return "postgres://" + URLEncoder.encode(db.user(), StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(db.password(), StandardCharsets.UTF_8) + "@" + jdbc.getHost() + ":"
                + jdbc.getPort() + jdbc.getPath();
    }

    private void awaitHealthy(Duration timeout) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the peer exited with " + process.exitValue() + ": see " + log);
            }
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // it is still migrating
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("the peer did not answer within " + timeout + ": see " + log);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
