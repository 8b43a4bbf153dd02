package io.plansync.payment.identity;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.plansync.payment.PaymentTestProperties;
import io.plansync.testing.StartAttempt;
import io.plansync.support.keys.KeyEncryption;
import io.plansync.support.keys.KeyRing;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * payment-service keeps the service-token key it generates as identity-service does: encrypted with the
 * key-encryption key and bound to payment-service, and outside development it refuses to start with neither a
 * configured key nor a key-encryption key.
 */
class SigningKeyStorageTest {
    private static final String KEK_SETTING = "plansync.signing-keys.key-encryption-key";

    @Test
    void a_generated_service_token_key_is_stored_encrypted_and_bound_to_payment_service() throws Exception {
        TestDatabases.Database database = TestDatabases.fresh("payments");
        String kek = TestKeys.newKeyEncryptionKey();
        String kid;
        try (ApplicationContext payment = StartAttempt.start(ApplicationContext.builder()
                .properties(properties(database, Map.of(KEK_SETTING, kek))).environments(Environment.TEST))) {
            kid = payment.getBean(KeyRing.class).signingKey().getKeyID();
        }

        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                     "select kid, private_key_pem, private_key_encrypted from signing_keys")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo(kid);
            assertThat(row.getString(2)).isNull();
            byte[] encrypted = row.getBytes(3);
            assertThat(KeyEncryption.parse(kek)
                    .decrypt(encrypted, KeyEncryption.associatedData("payment-service", kid))).isNotNull();
            assertThatThrownBy(() -> KeyEncryption.parse(kek)
                    .decrypt(encrypted, KeyEncryption.associatedData("identity-service", kid)))
                    .isInstanceOf(GeneralSecurityException.class);
            assertThat(row.next()).isFalse();
        }
    }

    @Test
    void outside_development_it_refuses_to_start_with_neither_a_signing_key_nor_a_kek() throws SQLException {
        TestDatabases.Database database = TestDatabases.fresh("payments");

        assertThatThrownBy(() -> StartAttempt.start(ApplicationContext.builder().deduceEnvironment(false)
                .properties(properties(database, Map.of()))))
                .rootCause().hasMessageContaining("PAYMENT_SERVICE_TOKEN_SIGNING_KEY")
                .hasMessageContaining("PLANSYNC_KEY_ENCRYPTION_KEY");
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("select count(*) from signing_keys")) {
            assertThat(count.next()).isTrue();
            assertThat(count.getInt(1)).isZero();
        }
    }

    private static Map<String, Object> properties(TestDatabases.Database database, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(extra);
        settings.put("plansync.outbox.relay-enabled", "false");
        settings.put("plansync.reconcile.enabled", "false");
        return new HashMap<>(PaymentTestProperties.of(database, "http://127.0.0.1:9", "http://127.0.0.1:9",
                "http://127.0.0.1:9/.well-known/jwks.json", settings));
    }
}
