package io.plansync.payment;

import io.micronaut.json.JsonMapper;
import io.plansync.testing.ServiceProcess;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A real identity-service process on its own database, and the few calls tests make to it over HTTP. */
public final class RunningIdentity implements AutoCloseable {
    public static final String ADMIN_EMAIL = "admin@plansync.test";
    public static final String ADMIN_PASSWORD = "admin password for tests";

    private final ServiceProcess process;
    private final TestDatabases.Database database;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final JsonMapper json = JsonMapper.createDefault();

    public RunningIdentity(String paymentJwksUrl) {
        database = TestDatabases.fresh("identity");
        int port = ServiceProcess.freePort();
        process = ServiceProcess.of("identity-service", port, Map.of(
                "IDENTITY_PORT", Integer.toString(port),
                "DATASOURCES_DEFAULT_URL", database.url(),
                "DATASOURCES_DEFAULT_USERNAME", database.user(),
                "DATASOURCES_DEFAULT_PASSWORD", database.password(),
                "IDENTITY_SERVICE_CLIENTS_PAYMENT_JWKS_URL", paymentJwksUrl,
                "IDENTITY_BOOTSTRAP_ADMIN_EMAIL", ADMIN_EMAIL,
                "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "IDENTITY_ARGON2_MEMORY_KIB", "1024",
                "IDENTITY_ARGON2_ITERATIONS", "1",
                // Its generated signing key is stored encrypted, as outside development it must be.
                "PLANSYNC_KEY_ENCRYPTION_KEY", TestKeys.newKeyEncryptionKey()));
        process.start();
    }

    /** identity-service's own database, for setting up what only an administrator could (roles). */
    public TestDatabases.Database database() {
        return database;
    }

    public String url() {
        return process.url();
    }

    public String jwksUrl() {
        return url() + "/.well-known/jwks.json";
    }

    public void stop() {
        process.stop();
    }

    /** Starts again on the same port and database. */
    public void start() {
        process.start();
    }

    public UUID register(String email) {
        Map<String, Object> user = call("POST", "/auth/register", null,
                Map.of("email", email, "password", "a long enough password"), 201);
        return UUID.fromString((String) user.get("id"));
    }

    public String login(String email, String password) {
        return (String) call("POST", "/auth/login", null, Map.of("email", email, "password", password), 200)
                .get("access_token");
    }

    /** The user as identity-service holds it, read with the bootstrap admin's token. */
    public Map<String, Object> user(UUID id, String adminToken) {
        return call("GET", "/admin/users/" + id, adminToken, null, 200);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String method, String path, String token, Object body, int expectedStatus) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + new String(response.body()));
            }
            return json.readValue(response.body(), Map.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.kill();
    }
}
