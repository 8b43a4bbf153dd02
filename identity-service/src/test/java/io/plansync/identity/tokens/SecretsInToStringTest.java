package io.plansync.identity.tokens;

import io.plansync.support.keys.PemKeys;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings and values that hold private keys or tokens never print them (a logged bean, an exception message). */
class SecretsInToStringTest {

    @Test
    void token_settings_hide_the_signing_keys() {
        String pem = PemKeys.toPem(PemKeys.generate());
        String printed = new TokenProperties("plansync-identity", "plansync", Duration.ofMinutes(15),
                Duration.ofDays(30), pem, pem).toString();

        assertThat(printed).doesNotContain("PRIVATE KEY").doesNotContain(pem.lines().skip(1).findFirst().orElseThrow())
                .contains("issuer=plansync-identity");
    }

    @Test
    void an_issued_access_token_hides_its_value() {
        assertThat(new AccessTokenIssuer.AccessToken("eyJhbGciOiJFUzI1NiJ9.e30.c2ln", 900).toString())
                .doesNotContain("eyJ").contains("900");
    }
}
