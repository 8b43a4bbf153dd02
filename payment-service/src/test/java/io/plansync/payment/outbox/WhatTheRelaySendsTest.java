package io.plansync.payment.outbox;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.Scopes;
import io.plansync.contracts.ServiceTokens;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.testing.Eventually;
import io.plansync.testing.JwksServer;
import io.plansync.testing.StripeStandIn;
import io.plansync.testing.StripeWebhooks;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the relay puts on the wire to identity-service, pinned from the outside: every plan change in a request is its
 * outbox row (user, plan, status, event id) with the time of the Stripe event that caused it (the row's
 * source_event_at, never the time of sending: identity keeps the newest change by that time, so a late delivery
 * stamped "now" would override a newer plan), and every request carries a fresh, correctly scoped service token.
 *
 * <p>identity-service is the other side of this boundary, so a stand-in takes its place here: it records each request
 * as it arrived and answers every change as applied, which is all the relay needs to mark a row done.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WhatTheRelaySendsTest implements TestPropertyProvider {
    /** Not the default 60 s, so that a token lifetime taken from anywhere but the configuration shows. */
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(45);

    private final StripeStandIn stripe = new StripeStandIn();
    private final JwksServer userKeys = new JwksServer(TestKeys.publicJwks(TestKeys.newKey()));
    private final TestDatabases.Database database = TestDatabases.fresh("payments");
    private final RecordingIdentity identity = new RecordingIdentity();

    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return PaymentTestProperties.of(database, stripe.url(), identity.url(), userKeys.url(),
                Map.of("plansync.service-token.lifetime", TOKEN_LIFETIME.toSeconds() + "s"));
    }

    @AfterAll
    void stop() {
        identity.close();
        userKeys.close();
        stripe.close();
    }

    @Test
    void each_change_sent_is_its_outbox_row_stamped_with_the_stripe_event_time_not_the_time_of_sending()
            throws SQLException {
        long now = Instant.now().getEpochSecond();
        UUID buyer = UUID.randomUUID();
        UUID bigBuyer = UUID.randomUUID();
        UUID refunded = UUID.randomUUID();
        // Events Stripe created a while ago (a redelivery, a queue that drained late): hours before they are sent.
        String buyerEvent = paid(buyer, "pro", 2900, now - 7_200).eventId();
        String bigBuyerEvent = paid(bigBuyer, "enterprise", 9900, now - 86_400 - 1_234).eventId();
        Paid refundedPurchase = paid(refunded, "pro", 2900, now - 3 * 3_600);
        String refundEvent = "evt_" + UUID.randomUUID();
        webhook(StripeWebhooks.chargeRefunded(refundEvent, now - 3_600 - 17, refundedPurchase.paymentIntent(), 2900,
                2900));

        Map<String, OutboxRow> rows = new LinkedHashMap<>();
        for (String eventId : List.of(buyerEvent, bigBuyerEvent, refundedPurchase.eventId(), refundEvent)) {
            rows.put(eventId, Eventually.await("the row of " + eventId + " to be delivered", Duration.ofSeconds(15),
                    () -> outboxRow(eventId), row -> row != null && "done".equals(row.state())));
        }

        // The rows themselves hold what Stripe said, with the event's own time.
        assertThat(rows.get(buyerEvent)).extracting(OutboxRow::userId, OutboxRow::plan, OutboxRow::sourceEventAt)
                .containsExactly(buyer, "pro", Instant.ofEpochSecond(now - 7_200));
        assertThat(rows.get(bigBuyerEvent)).extracting(OutboxRow::userId, OutboxRow::plan, OutboxRow::sourceEventAt)
                .containsExactly(bigBuyer, "enterprise", Instant.ofEpochSecond(now - 86_400 - 1_234));
        assertThat(rows.get(refundEvent)).extracting(OutboxRow::userId, OutboxRow::plan, OutboxRow::sourceEventAt)
                .containsExactly(refunded, "free", Instant.ofEpochSecond(now - 3_600 - 17));

        // And each row went out exactly as it stands, once, whichever request carried it.
        Map<String, List<Map<String, Object>>> sent = identity.changesByEventId();
        for (OutboxRow row : rows.values()) {
            assertThat(sent.get(row.eventId())).as("changes sent for " + row.eventId()).hasSize(1);
            Map<String, Object> change = sent.get(row.eventId()).getFirst();
            assertThat(change).as("the change sent for " + row.eventId())
                    .containsOnlyKeys("userId", "plan", "status", "updatedBy", "timestamp", "eventId", "validUntil")
                    .containsEntry("userId", row.userId().toString())
                    .containsEntry("plan", row.plan())
                    .containsEntry("status", row.status())
                    .containsEntry("status", "active")
                    .containsEntry("updatedBy", ServiceTokens.CLIENT_PAYMENT_SERVICE)
                    .containsEntry("eventId", row.eventId())
                    // A plan bought once does not expire.
                    .containsEntry("validUntil", null);
            assertThat(Instant.parse((String) change.get("timestamp")))
                    .as("the change's timestamp is its row's source_event_at, the Stripe event's time")
                    .isEqualTo(row.sourceEventAt());
            assertThat(row.attempts()).as("one attempt for " + row.eventId()).isEqualTo(1);
        }
    }

    @Test
    void each_request_carries_a_fresh_service_token_for_identity_with_the_configured_lifetime() throws Exception {
        long now = Instant.now().getEpochSecond();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(paid(UUID.randomUUID(), "pro", 2900, now - 60).eventId());
        }
        for (String eventId : events) {
            Eventually.await("the row of " + eventId + " to be delivered", Duration.ofSeconds(15),
                    () -> outboxRow(eventId), row -> row != null && "done".equals(row.state()));
        }
        JWKSet published = JWKSet.parse(http.toBlocking().retrieve("/.well-known/jwks.json"));

        List<Recorded> requests = identity.requests().stream()
                .filter(r -> r.changes().stream().anyMatch(c -> events.contains((String) c.get("eventId"))))
                .toList();
        assertThat(requests).isNotEmpty();
        Set<String> tokenIds = new HashSet<>();
        for (Recorded request : identity.requests()) {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo(PlanChangeBatch.PATH);
            assertThat(request.header(ServiceTokens.HEADER_SERVICE)).isEqualTo(ServiceTokens.CLIENT_PAYMENT_SERVICE);
            String authorization = request.header("Authorization");
            assertThat(authorization).startsWith("Bearer ");

            SignedJWT token = SignedJWT.parse(authorization.substring("Bearer ".length()));
            assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            assertThat(token.getHeader().getType().getType()).isEqualTo(ServiceTokens.TYPE);
            ECKey key = (ECKey) published.getKeyByKeyId(token.getHeader().getKeyID());
            assertThat(key).as("the token's kid is published in payment-service's JWKS").isNotNull();
            assertThat(token.verify(new ECDSAVerifier(key))).as("signed by that key").isTrue();

            JWTClaimsSet claims = token.getJWTClaimsSet();
            assertThat(claims.getIssuer()).isEqualTo(ServiceTokens.CLIENT_PAYMENT_SERVICE);
            assertThat(claims.getSubject()).isEqualTo(ServiceTokens.CLIENT_PAYMENT_SERVICE);
            assertThat(claims.getAudience()).containsExactly(ServiceTokens.AUDIENCE_IDENTITY);
            assertThat(claims.getStringClaim(ServiceTokens.CLAIM_SCOPE)).isEqualTo(Scopes.USERS_PLAN_WRITE);
            Instant issued = claims.getIssueTime().toInstant();
            Instant expires = claims.getExpirationTime().toInstant();
            assertThat(Duration.between(issued, expires)).as("lifetime: exp - iat")
                    .isEqualTo(TOKEN_LIFETIME)
                    .isLessThanOrEqualTo(Duration.ofSeconds(ServiceTokens.MAX_LIFETIME_SECONDS));
            // Signed for this request (iat is whole seconds, so up to a second before it was sent).
            assertThat(issued).as("issued just before it was sent")
                    .isBetween(request.receivedAt().minusSeconds(5), request.receivedAt().plusSeconds(1));
            assertThat(claims.getJWTID()).isNotBlank();
            assertThat(tokenIds.add(claims.getJWTID())).as("a jti never used before: " + claims.getJWTID()).isTrue();
        }
    }

    // --- helpers ---

    private record Paid(String eventId, String paymentIntent) {
    }

    private Paid paid(UUID user, String plan, long amount, long created) {
        Paid paid = new Paid("evt_" + UUID.randomUUID(), "pi_" + UUID.randomUUID());
        webhook(StripeWebhooks.paymentIntentSucceeded(paid.eventId(), created, paid.paymentIntent(), user.toString(),
                plan, amount, "usd"));
        return paid;
    }

    private void webhook(String payload) {
        var response = http.toBlocking().exchange(HttpRequest.POST("/webhook", payload)
                .contentType(MediaType.APPLICATION_JSON)
                .header("Stripe-Signature", StripeWebhooks.sign(payload, PaymentTestProperties.WEBHOOK_SECRET)));
        assertThat(response.getStatus().getCode()).isEqualTo(200);
    }

    private record OutboxRow(String eventId, UUID userId, String plan, String status, Instant sourceEventAt,
                             String state, int attempts) {
    }

    private OutboxRow outboxRow(String eventId) {
        try (Connection connection = database.connect();
             PreparedStatement select = connection.prepareStatement("select user_id, plan, status, source_event_at, "
                     + "state, attempts from outbox where event_id = ?")) {
            select.setString(1, eventId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                return new OutboxRow(eventId, row.getObject(1, UUID.class), row.getString(2), row.getString(3),
                        row.getTimestamp(4).toInstant(), row.getString(5), row.getInt(6));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One request as the stand-in received it. */
    private record Recorded(Instant receivedAt, String method, String path, Map<String, String> headers,
                            List<Map<String, Object>> changes) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * identity-service's plan-change endpoint as the relay sees it: records every request and answers every change
     * as applied (one result per change, in order, as identity does).
     */
    private static final class RecordingIdentity implements AutoCloseable {
        private final JsonMapper json = JsonMapper.createDefault();
        private final ConcurrentLinkedQueue<Recorded> requests = new ConcurrentLinkedQueue<>();
        private final HttpServer server;

        RecordingIdentity() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                Instant received = Instant.now();
                try (exchange) {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    Map<String, String> headers = new HashMap<>();
                    exchange.getRequestHeaders().forEach((name, values) ->
                            headers.put(name.toLowerCase(java.util.Locale.ROOT), String.join(",", values)));
                    List<Map<String, Object>> changes = changesOf(body);
                    requests.add(new Recorded(received, exchange.getRequestMethod(),
                            exchange.getRequestURI().getPath(), headers, changes));
                    List<Map<String, Object>> results = new ArrayList<>();
                    for (Map<String, Object> change : changes) {
                        Map<String, Object> result = new LinkedHashMap<>();
                        result.put("userId", change.get("userId"));
                        result.put("eventId", change.get("eventId"));
                        result.put("status", 200);
                        result.put("applied", true);
                        result.put("code", null);
                        result.put("detail", null);
                        results.add(result);
                    }
                    byte[] answer = json.writeValueAsBytes(Map.of("results", results));
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer);
                }
            });
            server.start();
        }

        @SuppressWarnings("unchecked")
        private List<Map<String, Object>> changesOf(byte[] body) throws IOException {
            if (body.length == 0) {
                return List.of();
            }
            Map<String, Object> request = json.readValue(body, Map.class);
            Object changes = request.get("changes");
            return changes instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        List<Recorded> requests() {
            return List.copyOf(requests);
        }

        Map<String, List<Map<String, Object>>> changesByEventId() {
            Map<String, List<Map<String, Object>>> byEvent = new HashMap<>();
            for (Recorded request : requests) {
                for (Map<String, Object> change : request.changes()) {
                    byEvent.computeIfAbsent((String) change.get("eventId"), id -> new ArrayList<>()).add(change);
                }
            }
            return byEvent;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
