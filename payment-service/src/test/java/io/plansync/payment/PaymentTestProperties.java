package io.plansync.payment;

import io.plansync.testing.ServiceProcess;
import io.plansync.testing.TestDatabases;

import java.util.HashMap;
import java.util.Map;

/** Properties for a payment-service under test: a fresh database, the Stripe stand-in, test webhook secrets. */
public final class PaymentTestProperties {
    public static final String WEBHOOK_SECRET = "whsec_test_current";
    public static final String OLD_WEBHOOK_SECRET = "whsec_test_previous";

    private PaymentTestProperties() {
    }

    /**
     * @param database    from TestDatabases.fresh("payments"); share one between contexts to act as replicas
     * @param stripeUrl   the Stripe stand-in
     * @param identityUrl identity-service (a real process), or an address where nothing listens
     * @param jwksUrl     where user-token keys are published (identity's, or a test JwksServer)
     */
    public static Map<String, String> of(TestDatabases.Database database, String stripeUrl, String identityUrl,
                                         String jwksUrl, Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(database.datasourceProperties());
        // Any free port, never the default 8082 that a local run (or another suite on this machine) may hold.
        properties.put("micronaut.server.port", "-1");
        properties.put("plansync.stripe.api-base", stripeUrl);
        properties.put("plansync.stripe.secret-key", "sk_test_plansync");
        properties.put("plansync.stripe.webhook-secrets", WEBHOOK_SECRET + "," + OLD_WEBHOOK_SECRET);
        properties.put("plansync.stripe.max-network-retries", "0");
        properties.put("plansync.identity.url", identityUrl);
        properties.put("micronaut.http.services.identity.url", identityUrl);
        properties.put("plansync.identity.jwks-url", jwksUrl);
        // Most suites send events for PaymentIntents they did not create through /create-payment-intent; where a
        // PaymentIntent comes from is the subject of MoneyEventsTest, which turns this off.
        properties.put("plansync.ledger.accept-external-payment-intents", "true");
        properties.put("plansync.outbox.initial-backoff", "100ms");
        properties.put("plansync.outbox.max-backoff", "500ms");
        properties.put("plansync.outbox.poll-interval", "1s");
        // A free management port for each context (replicas too): Micronaut routes its endpoints by the port a
        // request arrived on, so it must be a real number.
        properties.put("endpoints.all.port", Integer.toString(ServiceProcess.freePort()));
        properties.putAll(extra);
        return properties;
    }
}
