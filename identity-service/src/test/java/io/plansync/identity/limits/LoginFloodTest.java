package io.plansync.identity.limits;

import io.plansync.identity.Concurrently;
import io.plansync.testing.ServiceProcess;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood of logins with unknown emails against identity-service with production Argon2 cost and a small heap:
 * every answer is a clean refusal (401, 429 or 503 with Retry-After), never a 500 or an OutOfMemoryError, and
 * /health answers 200 all the while. Each Argon2id check holds 19 MiB; 200 at once would need 3.8 GiB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginFloodTest {
    private static final int LOGINS = 200;
    private static final String HEAP = "-Xmx160m";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private ServiceProcess identity;

    @BeforeAll
    void start() {
        Map<String, String> properties = new HashMap<>(TestDatabases.fresh("identity").datasourceProperties());
        // The flood below comes through a proxy on 127.0.0.1 from many addresses, as a botnet's would.
        properties.put("identity.rate-limits.trusted-proxies", "127.0.0.1");
        // Run as in production: no development environment, so the generated signing key is stored encrypted.
        properties.put("plansync.signing-keys.key-encryption-key", TestKeys.newKeyEncryptionKey());
        List<String> options = new ArrayList<>(List.of(HEAP, "-XX:TieredStopAtLevel=1"));
        properties.forEach((key, value) -> options.add("-D" + key + "=" + value));
        int port = ServiceProcess.freePort();
        identity = ServiceProcess.fromTestClasspath("identity-service", "io.plansync.identity.IdentityApplication",
                port, Map.of("IDENTITY_PORT", Integer.toString(port))).withJvmOptions(options).start();
    }

    @AfterAll
    void stop() {
        identity.close();
    }

    @Test
    void logins_from_many_addresses_at_once_are_answered_without_a_500_or_running_out_of_memory() throws Exception {
        AtomicInteger next = new AtomicInteger();

        List<Answer> answers = whileWatchingHealth(() -> Concurrently.run(LOGINS,
                () -> login("203.0." + (next.get() / 250) + "." + (next.getAndIncrement() % 250 + 1))));

        assertCleanRefusals(answers);
        // Each came from an address of its own: the password checks themselves were what had to be bounded.
        assertThat(answers).extracting(Answer::status).contains(401);
    }

    @Test
    void logins_from_one_address_at_once_are_limited_and_every_answer_says_where_the_limit_stands()
            throws Exception {
        List<Answer> answers = whileWatchingHealth(() -> Concurrently.run(LOGINS, () -> login(null)));

        assertCleanRefusals(answers);
        assertThat(answers).extracting(Answer::status).contains(429);
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.headers()).containsKeys("x-ratelimit-limit", "x-ratelimit-remaining",
                    "x-ratelimit-reset");
            assertThat(answer.headers().get("x-ratelimit-remaining")).matches("[0-9]+");
        });
    }

    private void assertCleanRefusals(List<Answer> answers) {
        assertThat(answers).hasSize(LOGINS).allSatisfy(answer -> {
            assertThat(answer.status()).as("%s", answer).isIn(401, 429, 503);
            assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
            if (answer.status() == 503) {
                assertThat(answer.body()).contains("\"code\":\"SERVICE_BUSY\"");
                assertThat(answer.headers().get("retry-after")).matches("[1-9][0-9]*");
            } else if (answer.status() == 429) {
                assertThat(answer.body()).contains("\"code\":\"RATE_LIMITED\"");
                assertThat(answer.headers().get("retry-after")).matches("[1-9][0-9]*");
            } else {
                assertThat(answer.body()).contains("\"code\":\"AUTH_INVALID\"");
            }
        });
        assertThat(identity.isAlive()).isTrue();
        assertThat(identity.output()).doesNotContain("OutOfMemoryError");
    }

    /** Runs the flood while another thread asks /health every 200 ms; every one of those must answer 200. */
    private List<Answer> whileWatchingHealth(java.util.concurrent.Callable<List<Answer>> flood) throws Exception {
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<String> health = Collections.synchronizedList(new ArrayList<>());
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (flooding.get()) {
                try {
                    HttpResponse<String> reply = http.send(
                            HttpRequest.newBuilder(URI.create(identity.url() + "/health"))
                                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                    health.add(reply.statusCode() + " " + reply.body());
                    Thread.sleep(200);
                } catch (IOException e) {
                    health.add("no answer: " + e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        List<Answer> answers;
        try {
            answers = flood.call();
        } finally {
            flooding.set(false);
            watcher.join(Duration.ofSeconds(15));
        }
        assertThat(health).isNotEmpty().allSatisfy(reply -> assertThat(reply).startsWith("200 "));
        return answers;
    }

    private Answer login(String forwardedFor) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(identity.url() + "/auth/login"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"nobody-" + UUID.randomUUID()
                        + "@example.com\",\"password\":\"a long enough password\"}"));
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        HttpResponse<String> reply = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> headers = new HashMap<>();
        reply.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(), values.getFirst()));
        return new Answer(reply.statusCode(), headers, reply.body());
    }

    private record Answer(int status, Map<String, String> headers, String body) {
    }
}
