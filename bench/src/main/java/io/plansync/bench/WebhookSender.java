package io.plansync.bench;

import io.plansync.testing.StripeWebhooks;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator's one request: a signed {@code payment_intent.succeeded} webhook for the next purchase, sent to
 * payment-service (or the peer) as Stripe would send it. Shared by the phases' threads.
 */
final class WebhookSender implements AutoCloseable {
    private final CloseableHttpClient http = LoadClients.pooled(512);
    private final String webhookUrl;
    private final String secret;
    private final List<String> users;
    private final AtomicLong nextUser = new AtomicLong();
    private final AtomicLong nextRepeat = new AtomicLong();

    /** @param users the ids of the users the events go to, in turn */
    WebhookSender(String webhookUrl, String secret, List<String> users) {
        this.webhookUrl = webhookUrl;
        this.secret = secret;
        this.users = List.copyOf(users);
    }

    /** A new event for the next purchase. @return the HTTP status, or -1 when the request failed */
    int sendNext() {
        return sendNext("evt_bench_" + UUID.randomUUID());
    }

    /** As {@link #sendNext()}, under the given event id. */
    int sendNext(String eventId) {
        return send(eventId, nextPurchase());
    }

    /**
     * A new event for a purchase that changes no plan: a user who has bought already buys the plan they hold again
     * (a new payment, no plan change, nothing to sync). @return as {@link #sendNext()}
     */
    int sendUnchanged() {
        return send("evt_bench_" + UUID.randomUUID(), repeatPurchase());
    }

    private int send(String eventId, Purchase purchase) {
        long created = Instant.now().getEpochSecond();
        String payload = StripeWebhooks.paymentIntentSucceeded(eventId, created, "pi_" + UUID.randomUUID(),
                purchase.user(), purchase.plan(), purchase.amount(), "usd");
        HttpPost post = new HttpPost(webhookUrl);
        post.setHeader("Stripe-Signature", StripeWebhooks.sign(payload, secret));
        post.setEntity(new StringEntity(payload, ContentType.APPLICATION_JSON));
        try {
            return http.execute(post, response -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
        } catch (IOException e) {
            return -1;
        }
    }

    private record Purchase(String user, String plan, long amount) {
    }

    /**
     * The next purchase: users in turn, each buying pro on even passes over the pool and enterprise on odd ones, so
     * that every event changes a plan (and is synced) however long the run. Passes are minutes apart, so a user's
     * newer purchase always has a later event time.
     */
    private Purchase nextPurchase() {
        long n = nextUser.getAndIncrement();
        boolean even = (n / users.size()) % 2 == 0;
        return purchase((int) (n % users.size()), even);
    }

    /**
     * The next repeat: the users who have bought (the first {@code n} when fewer than all) in turn, each buying the
     * plan of their last purchase, which was on the last pass of {@link #nextPurchase} that reached them. Sent only
     * while no new purchase is (the no-change phase), so that the pass cannot move under it.
     */
    private Purchase repeatPurchase() {
        long n = nextUser.get();
        if (n == 0) {
            throw new IllegalStateException("no user has bought yet: nothing to buy again");
        }
        int size = users.size();
        int user = (int) (nextRepeat.getAndIncrement() % Math.min(n, size));
        long last = user + (n - 1 - user) / size * size; // the last purchase index that reached this user
        return purchase(user, (last / size) % 2 == 0);
    }

    private Purchase purchase(int user, boolean pro) {
        return new Purchase(users.get(user), pro ? "pro" : "enterprise", pro ? 2900 : 9900);
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
