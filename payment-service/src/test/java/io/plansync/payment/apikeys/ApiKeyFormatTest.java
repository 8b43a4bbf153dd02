package io.plansync.payment.apikeys;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A key is its whole secret: the id finds it, only the secret's hash is kept, and nothing short of it passes. */
class ApiKeyFormatTest {
    @Test
    void a_new_key_parses_back_to_its_id_and_matches_only_its_own_hash() {
        ApiKeyFormat.NewKey key = ApiKeyFormat.generate(ApiKeyFormat.Mode.TEST);
        assertThat(key.plaintext()).startsWith("psk_test_" + key.id() + "_").hasSize(9 + 16 + 1 + 43);
        ApiKeyFormat.Presented presented = ApiKeyFormat.parse(key.plaintext()).orElseThrow();
        assertThat(presented.mode()).isEqualTo(ApiKeyFormat.Mode.TEST);
        assertThat(presented.id()).isEqualTo(key.id());
        assertThat(ApiKeyFormat.matches(key.secretHash(), presented.secret())).isTrue();
        assertThat(key.secretHash()).as("a SHA-256, not the secret").hasSize(32);
        assertThat(new String(key.secretHash(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(presented.secret());
        assertThat(key.toString()).doesNotContain(presented.secret());
    }

    @Test
    void the_right_id_with_another_secret_or_a_secret_cut_short_does_not_match() {
        ApiKeyFormat.NewKey key = ApiKeyFormat.generate(ApiKeyFormat.Mode.LIVE);
        ApiKeyFormat.NewKey other = ApiKeyFormat.generate(ApiKeyFormat.Mode.LIVE);
        String otherSecret = ApiKeyFormat.parse(other.plaintext()).orElseThrow().secret();
        assertThat(ApiKeyFormat.matches(key.secretHash(), otherSecret)).isFalse();
        String secret = ApiKeyFormat.parse(key.plaintext()).orElseThrow().secret();
        String lastChanged = secret.substring(0, 42) + (secret.endsWith("A") ? "E" : "A");
        assertThat(ApiKeyFormat.matches(key.secretHash(), lastChanged)).isFalse();
        assertThat(ApiKeyFormat.parse(key.plaintext().substring(0, key.plaintext().length() - 1)))
                .as("a shorter key is not a key").isEmpty();
    }

    @Test
    void only_the_exact_shape_is_a_key() {
        String id = "0123456789abcdef";
        String secret = "A".repeat(43);
        assertThat(ApiKeyFormat.parse("psk_live_" + id + "_" + secret)).isPresent();
        for (String notAKey : List.of("", "psk_live_", "psk_live_" + id, "psk_prod_" + id + "_" + secret,
                "PSK_LIVE_" + id + "_" + secret, "psk_live_" + id.toUpperCase() + "_" + secret,
                "psk_live_" + id + "_" + secret + "=", "sk_live_" + id + "_" + secret, "eyJhbGciOiJFUzI1NiJ9.e30.x")) {
            assertThat(ApiKeyFormat.parse(notAKey)).as(notAKey).isEmpty();
        }
        assertThat(ApiKeyFormat.parse(null)).isEmpty();
    }

    @Test
    void a_key_is_active_until_revoked_or_its_rotation_overlap_ends() {
        Instant now = Instant.parse("2026-12-02T12:00:00Z");
        ApiKey active = key(null, null);
        assertThat(active.activeAt(now)).isTrue();
        assertThat(active.stateAt(now)).isEqualTo("active");
        ApiKey rotated = key(now.plusSeconds(60), null);
        assertThat(rotated.activeAt(now)).isTrue();
        assertThat(rotated.stateAt(now)).isEqualTo("expiring");
        assertThat(rotated.activeAt(now.plusSeconds(60))).isFalse();
        assertThat(rotated.stateAt(now.plusSeconds(60))).isEqualTo("expired");
        ApiKey revoked = key(now.plusSeconds(60), now.minusSeconds(1));
        assertThat(revoked.activeAt(now)).isFalse();
        assertThat(revoked.stateAt(now)).isEqualTo("revoked");
    }

    @Test
    void a_key_allows_only_its_scopes() {
        ApiKey key = key(null, null);
        assertThat(key.allows(ApiScope.PLANS_READ)).isTrue();
        assertThat(key.allows(ApiScope.CHECKOUT_CREATE)).isFalse();
    }

    private static ApiKey key(Instant expiresAt, Instant revokedAt) {
        return new ApiKey("0123456789abcdef", "backend", "test", new byte[32], List.of("plans:read"), 60,
                Instant.EPOCH, "admin", null, expiresAt, revokedAt, null, null);
    }
}
