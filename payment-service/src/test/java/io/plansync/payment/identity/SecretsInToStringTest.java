package io.plansync.payment.identity;

import io.plansync.support.keys.KeyProtectionFactory;
import io.plansync.support.keys.PemKeys;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings that hold private keys never print them (a logged bean, an exception message). */
class SecretsInToStringTest {

    @Test
    void service_token_settings_hide_their_keys() {
        String pem = PemKeys.toPem(PemKeys.generate());
        String printed = new ServiceTokenProperties(pem, pem, Duration.ofSeconds(60)).toString();

        assertThat(printed).doesNotContain("PRIVATE KEY").doesNotContain(pem.lines().skip(1).findFirst().orElseThrow())
                .contains("lifetime=PT1M");
    }

    @Test
    void the_key_encryption_key_setting_hides_its_value() {
        assertThat(new KeyProtectionFactory.Settings("c2VjcmV0LWtleS1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcw==", null, null,
                null).toString())
                .doesNotContain("c2VjcmV0");
    }
}
