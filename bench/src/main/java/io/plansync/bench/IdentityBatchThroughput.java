package io.plansync.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.plansync.bench.ClosedLoop.Load;
import io.plansync.bench.ProcessSampling.CpuPerEvent;
import io.plansync.bench.ProcessSampling.CpuUse;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.Scopes;
import io.plansync.contracts.ServiceTokens;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * identity-service's batch endpoint on its own, without payment-service or its relay: closed-loop clients post
 * batches of {@link PlanChangeBatch#MAX_CHANGES} plan changes straight to {@code POST /admin/plan-changes}, each
 * with a fresh service token signed with payment-service's key, as the relay's are, so that the relay's drain rate
 * can be set against what identity-service can apply. Every change is a real one: the load's users in turn, each
 * moved from the plan it holds to the other paid plan and back, later each time, under a new event id. Run after
 * the reconciliation: it leaves identity-service's plans ahead of payment-service's.
 */
final class IdentityBatchThroughput implements AutoCloseable {
    private static final Pattern APPLIED = Pattern.compile("\"applied\"\\s*:\\s*true");
    private static final Pattern RESULT = Pattern.compile("\"eventId\"");
    private static final long TOKEN_LIFETIME_SECONDS = 60;

    private final CloseableHttpClient http = LoadClients.pooled(BenchOptions.MAX_IDENTITY_CLIENTS);
    private final BenchSystem system;
    private final List<String> users;
    private final ECDSASigner signer;
    private final String keyId;
    /** Per user (by index): whether the first change takes them to pro (they hold another plan now). */
    private final boolean[] firstToPro;
    private final AtomicLong nextChange = new AtomicLong();
    private final AtomicLong lastMicros = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong notApplied = new AtomicLong();

    IdentityBatchThroughput(BenchSystem system, List<String> users) throws Exception {
        if (users.size() < PlanChangeBatch.MAX_CHANGES) {
            throw new IllegalArgumentException("--users: at least " + PlanChangeBatch.MAX_CHANGES);
        }
        this.system = system;
        this.users = List.copyOf(users);
        ECKey key = system.paymentKey();
        this.signer = new ECDSASigner(key);
        this.keyId = key.getKeyID();
        this.firstToPro = firstToPro(system, this.users);
    }

    /** @param notApplied changes answered but not applied (stale or duplicate: none is expected) */
    record Result(int clients, long applied, long notApplied, double seconds, Load load, CpuPerEvent cpu) {
        void addTo(Table table) {
            String name = "identity batch endpoint alone, " + clients + (clients == 1 ? " batch" : " batches")
                    + " of " + PlanChangeBatch.MAX_CHANGES + " in flight";
            table.add(name + " (plans applied/s)", String.format(Locale.ROOT, "%.0f (%d requests/s; %d not applied, "
                            + "errors %d)", applied / seconds, Math.round(load.latencies().count() / seconds),
                    notApplied, load.errors()));
            table.add(name + ": request p50 / p99", load.latencies().percentiles(50, 99));
            table.add(name + ": CPU ms per plan (payment / identity / postgres / load / machine)", cpu.toString());
        }
    }

    /** Batches at this many clients for this long, not measured. */
    void warmUp(int clients, int seconds) {
        ClosedLoop.run(clients, seconds, this::sendBatch);
    }

    Result run(int clients, int seconds) throws Exception {
        CpuUse cpu = CpuUse.start(system.paymentPid(), system.identityPid());
        long appliedBefore = applied.get();
        long notAppliedBefore = notApplied.get();
        Load load = ClosedLoop.run(clients, seconds, this::sendBatch);
        long appliedNow = applied.get() - appliedBefore;
        return new Result(clients, appliedNow, notApplied.get() - notAppliedBefore, seconds, load,
                cpu.perEvent(appliedNow));
    }

    /** One request of the next 100 changes. @return the HTTP status, or -1 when the request failed */
    private int sendBatch() {
        StringBuilder body = new StringBuilder(PlanChangeBatch.MAX_CHANGES * 220).append("{\"changes\":[");
        for (int i = 0; i < PlanChangeBatch.MAX_CHANGES; i++) {
            long n = nextChange.getAndIncrement();
            int user = (int) (n % users.size());
            boolean pro = firstToPro[user] == ((n / users.size()) % 2 == 0);
            body.append(i == 0 ? "" : ",").append("{\"userId\":\"").append(users.get(user))
                    .append("\",\"plan\":\"").append(pro ? "pro" : "enterprise")
                    .append("\",\"status\":\"active\",\"updatedBy\":\"").append(ServiceTokens.CLIENT_PAYMENT_SERVICE)
                    .append("\",\"timestamp\":\"").append(nextTimestamp())
                    .append("\",\"eventId\":\"evt_identity_bench_").append(UUID.randomUUID()).append("\"}");
        }
        body.append("]}");
        HttpPost post = new HttpPost(system.identityUrl() + PlanChangeBatch.PATH);
        post.setHeader("Authorization", "Bearer " + token());
        post.setHeader(ServiceTokens.HEADER_SERVICE, ServiceTokens.CLIENT_PAYMENT_SERVICE);
        post.setEntity(new StringEntity(body.toString(), ContentType.APPLICATION_JSON));
        try {
            return http.execute(post, response -> {
                String answer = EntityUtils.toString(response.getEntity());
                if (response.getCode() == 200) {
                    long appliedHere = count(APPLIED, answer);
                    applied.addAndGet(appliedHere);
                    notApplied.addAndGet(count(RESULT, answer) - appliedHere);
                }
                return response.getCode();
            });
        } catch (IOException e) {
            return -1;
        }
    }

    /** Later than any before it (by a microsecond at least, identity-service's precision), and never ahead of now. */
    private Instant nextTimestamp() {
        long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        long micros = lastMicros.updateAndGet(last -> Math.max(now, last + 1));
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** A service token as payment-service's ServiceTokenIssuer signs one: a new jti each time. */
    private String token() {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ServiceTokens.CLIENT_PAYMENT_SERVICE)
                .subject(ServiceTokens.CLIENT_PAYMENT_SERVICE)
                .audience(ServiceTokens.AUDIENCE_IDENTITY)
                .claim(ServiceTokens.CLAIM_SCOPE, Scopes.USERS_PLAN_WRITE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(TOKEN_LIFETIME_SECONDS)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(keyId).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a service token", e);
        }
        return jwt.serialize();
    }

    /** Whether each user's first change goes to pro: it does unless they hold pro now. */
    private static boolean[] firstToPro(BenchSystem system, List<String> users) throws Exception {
        Map<String, String> plans = new HashMap<>();
        try (Connection connection = system.identityDb().connect();
             PreparedStatement select = connection.prepareStatement(
                     "select id::text, plan from users where id = any(?)")) {
            Array ids = connection.createArrayOf("uuid", users.toArray());
            select.setArray(1, ids);
            try (ResultSet found = select.executeQuery()) {
                while (found.next()) {
                    plans.put(found.getString(1), found.getString(2));
                }
            }
        }
        boolean[] toPro = new boolean[users.size()];
        for (int i = 0; i < users.size(); i++) {
            toPro[i] = !"pro".equals(plans.get(users.get(i)));
        }
        return toPro;
    }

    private static long count(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        long count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
