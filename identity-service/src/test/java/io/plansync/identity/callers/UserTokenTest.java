package io.plansync.identity.callers;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.ForgedTokens;
import io.plansync.identity.IdentitySigningKey;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import io.plansync.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User access tokens on {@code GET /users/me}. identity-service signs with a key the test configured, so the test
 * signs tokens itself: a good one is accepted, and each forged one differs from it in exactly one way.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserTokenTest implements TestPropertyProvider {
    private final IdentitySigningKey signingKey = new IdentitySigningKey();

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.freshDatabase(signingKey.properties());
    }

    @Test
    void the_jwks_publishes_the_configured_signing_key() throws Exception {
        Reply reply = api.send(HttpRequest.GET("/.well-known/jwks.json"));

        ECKey published = (ECKey) JWKSet.parse(reply.body()).getKeys().getFirst();
        assertThat(published.getKeyID()).isEqualTo(signingKey.key().getKeyID());
        assertThat(published.getX()).isEqualTo(signingKey.key().getX());
        assertThat(published.getY()).isEqualTo(signingKey.key().getY());
    }

    @Test
    void a_token_signed_with_the_configured_key_is_accepted() {
        Api.TestUser user = api.newUser("good");

        Reply reply = api.get("/users/me", signingKey.sign(signingKey.claims(user.id()).build()));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("id", user.id().toString());
    }

    @Test
    void no_token_gets_401_with_www_authenticate_bearer() {
        Reply reply = api.get("/users/me", null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_INVALID");
        assertThat(reply.header(HttpHeaders.WWW_AUTHENTICATE)).contains("Bearer");
        assertThat(reply.contentType()).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    void a_garbage_token_is_refused() {
        assertRefused("not.a.jwt");
        assertRefused("garbage");
    }

    @Test
    void an_expired_token_is_refused() {
        Instant now = Instant.now();
        assertRefused(signingKey.sign(signingKey.claims(user())
                .issueTime(Date.from(now.minusSeconds(300)))
                .expirationTime(Date.from(now.minusSeconds(60))).build()));
    }

    @Test
    void a_token_from_another_issuer_is_refused() {
        assertRefused(signingKey.sign(signingKey.claims(user()).issuer("someone-else").build()));
    }

    @Test
    void a_token_for_another_audience_is_refused() {
        assertRefused(signingKey.sign(signingKey.claims(user()).audience("another-api").build()));
    }

    @Test
    void an_hs256_token_is_refused() {
        assertRefused(ForgedTokens.hs256(signingKey.key().getKeyID(), new JOSEObjectType("at+jwt"),
                signingKey.claims(user()).build()));
    }

    @Test
    void an_unsigned_alg_none_token_is_refused() {
        assertRefused(ForgedTokens.unsigned(signingKey.claims(user()).build()));
    }

    @Test
    void a_token_signed_by_a_key_identity_does_not_hold_is_refused() {
        assertRefused(TestKeys.sign(TestKeys.newKey(), new JOSEObjectType("at+jwt"),
                signingKey.claims(user()).build()));
    }

    @Test
    void a_token_without_the_at_jwt_type_is_refused() {
        assertRefused(TestKeys.sign(signingKey.key(), JOSEObjectType.JWT, signingKey.claims(user()).build()));
    }

    @Test
    void a_token_living_longer_than_15_minutes_is_refused() {
        Instant now = Instant.now();
        assertRefused(signingKey.sign(signingKey.claims(user())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(901))).build()));
    }

    @Test
    void a_token_without_jti_is_refused() {
        assertRefused(signingKey.sign(signingKey.claims(user()).jwtID(null).build()));
    }

    @Test
    void a_token_with_altered_claims_is_refused() {
        UUID victim = user();
        String genuine = signingKey.sign(signingKey.claims(user()).build());

        assertRefused(ForgedTokens.withPayload(genuine, signingKey.claims(victim, "user", "admin").build()));
    }

    private void assertRefused(String token) {
        Reply reply = api.get("/users/me", token);

        assertThat(reply.status()).as("status for a forged token").isEqualTo(401);
        assertThat(reply.code()).isEqualTo("AUTH_INVALID");
        assertThat(reply.header(HttpHeaders.WWW_AUTHENTICATE)).hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
        // Errors never echo the token, nor carry stack traces.
        assertThat(reply.body()).doesNotContain(token).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private UUID user() {
        return api.newUser("forged").id();
    }
}
