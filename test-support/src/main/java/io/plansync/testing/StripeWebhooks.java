package io.plansync.testing;

import com.stripe.net.Webhook;

/** Signs webhook payloads exactly as Stripe does (t=timestamp, v1=HMAC-SHA256 of "t.payload"), via stripe-java. */
public final class StripeWebhooks {
    private StripeWebhooks() {
    }

    public static String sign(String payload, String secret) {
        return sign(payload, secret, java.time.Instant.now().getEpochSecond());
    }

    public static String sign(String payload, String secret, long timestampSeconds) {
        try {
            return Webhook.Signature.generateSignatureHeader(payload, secret, timestampSeconds);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String paymentIntentSucceeded(String eventId, long created, String paymentIntentId, String userId,
                                                String plan, long amount, String currency) {
        return """
                {"id":"%s","object":"event","api_version":"2025-01-27.acacia","created":%d,
                 "type":"payment_intent.succeeded","livemode":false,"pending_webhooks":1,
                 "data":{"object":{"id":"%s","object":"payment_intent","amount":%d,"amount_received":%d,
                   "currency":"%s","status":"succeeded","metadata":{"userId":"%s","plan":"%s"}}}}
                """.formatted(eventId, created, paymentIntentId, amount, amount, currency, userId, plan);
    }

    public static String paymentIntentFailed(String eventId, long created, String paymentIntentId, String userId,
                                             String plan) {
        return """
                {"id":"%s","object":"event","api_version":"2025-01-27.acacia","created":%d,
                 "type":"payment_intent.payment_failed","livemode":false,"pending_webhooks":1,
                 "data":{"object":{"id":"%s","object":"payment_intent","amount":2900,"amount_received":0,
                   "currency":"usd","status":"requires_payment_method","metadata":{"userId":"%s","plan":"%s"}}}}
                """.formatted(eventId, created, paymentIntentId, userId, plan);
    }

    public static String chargeRefunded(String eventId, long created, String paymentIntentId, long amount,
                                        long amountRefunded) {
        return """
                {"id":"%s","object":"event","api_version":"2025-01-27.acacia","created":%d,
                 "type":"charge.refunded","livemode":false,"pending_webhooks":1,
                 "data":{"object":{"id":"ch_%s","object":"charge","amount":%d,"amount_refunded":%d,
                   "refunded":%s,"currency":"usd","payment_intent":"%s","metadata":{}}}}
                """.formatted(eventId, created, eventId, amount, amountRefunded, amountRefunded >= amount,
                paymentIntentId);
    }

    public static String disputeCreated(String eventId, long created, String paymentIntentId, long amount) {
        return dispute(eventId, created, "charge.dispute.created", paymentIntentId, amount, "needs_response");
    }

    /** @param status won, lost or warning_closed */
    public static String disputeClosed(String eventId, long created, String paymentIntentId, long amount,
                                       String status) {
        return dispute(eventId, created, "charge.dispute.closed", paymentIntentId, amount, status);
    }

    private static String dispute(String eventId, long created, String type, String paymentIntentId, long amount,
                                  String status) {
        return """
                {"id":"%s","object":"event","api_version":"2025-01-27.acacia","created":%d,
                 "type":"%s","livemode":false,"pending_webhooks":1,
                 "data":{"object":{"id":"dp_%s","object":"dispute","amount":%d,"currency":"usd",
                   "charge":"ch_%s","payment_intent":"%s","reason":"fraudulent","status":"%s","metadata":{}}}}
                """.formatted(eventId, created, type, paymentIntentId, amount, paymentIntentId, paymentIntentId,
                status);
    }

    /** The same event as Stripe would send it from live mode. */
    public static String live(String payload) {
        return payload.replace("\"livemode\":false", "\"livemode\":true");
    }

    public static String event(String eventId, long created, String type) {
        return """
                {"id":"%s","object":"event","api_version":"2025-01-27.acacia","created":%d,"type":"%s",
                 "livemode":false,"pending_webhooks":1,"data":{"object":{"id":"obj_%s","object":"thing"}}}
                """.formatted(eventId, created, type, eventId);
    }
}
