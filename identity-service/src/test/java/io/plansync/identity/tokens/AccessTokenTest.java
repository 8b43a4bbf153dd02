package io.plansync.identity.tokens;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.micronaut.http.HttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.plansync.identity.Api;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.identity.Reply;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Health, the published JWKS, and the shape of the user access tokens login hands out (no key configured). */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTokenTest implements TestPropertyProvider {
    private final TestDatabases.Database database = TestDatabases.fresh("identity");

    @Inject
    Api api;

    @Override
    public Map<String, String> getProperties() {
        return IdentityTestProperties.of(database);
    }

    @Test
    void health_answers_200_without_credentials() {
        Reply reply = api.send(HttpRequest.GET("/health"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).containsEntry("status", "UP");
    }

    @Test
    void the_jwks_publishes_the_ec_public_key_under_its_rfc7638_thumbprint() throws Exception {
        Reply reply = api.send(HttpRequest.GET("/.well-known/jwks.json"));

        assertThat(reply.status()).isEqualTo(200);
        List<JWK> keys = JWKSet.parse(reply.body()).getKeys();
        assertThat(keys).hasSize(1);
        ECKey key = (ECKey) keys.getFirst();
        assertThat(key.getCurve()).isEqualTo(Curve.P_256);
        assertThat(key.getKeyID()).isEqualTo(key.computeThumbprint().toString());
        assertThat(key.isPrivate()).isFalse();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> raw = (List<Map<String, Object>>) reply.json().get("keys");
        assertThat(raw.getFirst()).containsEntry("kty", "EC").containsKeys("x", "y").doesNotContainKey("d");
    }

    @Test
    void without_a_configured_key_the_published_key_is_the_one_generated_into_the_database() throws Exception {
        ECKey published = publishedKey();

        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select kid from signing_keys")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo(published.getKeyID());
            assertThat(rows.next()).as("exactly one generated key").isFalse();
        }
    }

    @Test
    void an_access_token_from_login_verifies_against_the_published_key() throws Exception {
        Api.TestUser user = api.newUser("jwks");
        Instant before = Instant.now().minusSeconds(1);

        Map<String, Object> pair = api.login(user.email(), Api.PASSWORD).json();
        SignedJWT token = SignedJWT.parse((String) pair.get("access_token"));

        ECKey published = publishedKey();
        assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(token.getHeader().getKeyID()).isEqualTo(published.getKeyID());
        assertThat(token.getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(token.verify(new ECDSAVerifier(published))).isTrue();

        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("plansync-identity");
        assertThat(claims.getSubject()).isEqualTo(user.id().toString());
        assertThat(claims.getAudience()).containsExactly("plansync");
        assertThat(claims.getStringListClaim("roles")).containsExactly("user");
        assertThat(claims.getJWTID()).isNotBlank();
        Instant issuedAt = claims.getIssueTime().toInstant();
        Instant expiresAt = claims.getExpirationTime().toInstant();
        assertThat(issuedAt).isBetween(before, Instant.now().plusSeconds(1));
        long lifetime = Duration.between(issuedAt, expiresAt).toSeconds();
        assertThat(lifetime).isPositive().isLessThanOrEqualTo(900);
        assertThat(((Number) pair.get("expires_in")).longValue()).isEqualTo(lifetime);
    }

    @Test
    void every_access_token_has_its_own_jti() throws Exception {
        Api.TestUser user = api.newUser("jti");

        String first = api.accessToken(user);
        String second = api.accessToken(user);

        assertThat(SignedJWT.parse(first).getJWTClaimsSet().getJWTID())
                .isNotEqualTo(SignedJWT.parse(second).getJWTClaimsSet().getJWTID());
    }

    @Test
    void a_login_token_works_on_users_me_but_a_token_signed_by_another_key_with_the_same_kid_does_not()
            throws Exception {
        Api.TestUser user = api.newUser("same-kid");
        SignedJWT genuine = SignedJWT.parse(api.accessToken(user));

        // Same header (kid, typ) and claims, signed by a key identity-service does not hold.
        SignedJWT forged = new SignedJWT(genuine.getHeader(), genuine.getJWTClaimsSet());
        forged.sign(new ECDSASigner(TestKeys.newKey()));

        assertThat(api.get("/users/me", genuine.serialize()).status()).isEqualTo(200);
        Reply refused = api.get("/users/me", forged.serialize());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.code()).isEqualTo("AUTH_INVALID");
    }

    private ECKey publishedKey() throws Exception {
        Reply reply = api.send(HttpRequest.GET("/.well-known/jwks.json"));
        return (ECKey) JWKSet.parse(reply.body()).getKeys().getFirst();
    }
}
