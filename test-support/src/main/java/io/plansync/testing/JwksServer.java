package io.plansync.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP server on loopback publishing a JWK Set the test controls, and counting how often it is fetched. It can
 * be stopped and started again on the same port (an outage or a restart of the service that publishes the keys), or
 * made to answer an error status instead of the keys.
 */
public final class JwksServer implements AutoCloseable {
    private final AtomicReference<String> jwks;
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger errorStatus = new AtomicInteger();
    private final int port;
    private HttpServer server;

    public JwksServer(String initialJwks) {
        this.jwks = new AtomicReference<>(initialJwks);
        this.server = listen(0);
        this.port = server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/.well-known/jwks.json";
    }

    public void publish(String newJwks) {
        jwks.set(newJwks);
    }

    /** From now on answer every fetch with this status (a 5xx, say) instead of the keys; 0 answers the keys again. */
    public void answerWith(int status) {
        errorStatus.set(status);
    }

    /** Fetches answered, with the keys or with an error status. */
    public int fetches() {
        return fetches.get();
    }

    /** Nothing listens on the port any more: connections are refused. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port. */
    public synchronized void start() {
        if (server == null) {
            server = listen(port);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private HttpServer listen(int onPort) {
        HttpServer created;
        try {
            created = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        created.createContext("/.well-known/jwks.json", exchange -> {
            fetches.incrementAndGet();
            int error = errorStatus.get();
            byte[] body = (error == 0 ? jwks.get() : "{\"error\":\"unavailable\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(error == 0 ? 200 : error, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        created.start();
        return created;
    }
}
