package io.plansync.identity.tokens;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.plansync.identity.IdentitySigningKey;
import io.plansync.identity.IdentityTestProperties;
import io.plansync.testing.StartAttempt;
import io.plansync.support.keys.KeyEncryption;
import io.plansync.support.keys.KeyRing;
import io.plansync.support.keys.PemKeys;
import io.plansync.testing.TestDatabases;
import io.plansync.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The signing key identity-service generates when none is configured is never stored in plaintext outside
 * development: it is encrypted with the key-encryption key (Tink AES256-GCM, bound to the service and kid), rows an
 * older version left in plaintext are encrypted on start, and without either a configured key or a key-encryption key
 * the service does not start. Each case starts the application on its own fresh database.
 */
class SigningKeyStorageTest {
    private static final String KEK_SETTING = "plansync.signing-keys.key-encryption-key";

    private final String kek = TestKeys.newKeyEncryptionKey();

    @Test
    void a_generated_key_is_stored_encrypted_with_the_kek_and_bound_to_this_service_and_kid() throws Exception {
        TestDatabases.Database database = TestDatabases.fresh("identity");
        String kid;
        try (ApplicationContext identity = start(database, Map.of(KEK_SETTING, kek))) {
            kid = identity.getBean(KeyRing.class).signingKey().getKeyID();
        }

        StoredRow row = onlyRow(database);
        assertThat(row.kid()).isEqualTo(kid);
        assertThat(row.pem()).isNull();
        assertThat(new String(row.encrypted(), StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
        byte[] pem = KeyEncryption.parse(kek)
                .decrypt(row.encrypted(), KeyEncryption.associatedData("identity-service", kid)).plaintext();
        assertThat(PemKeys.parseAll(new String(pem, StandardCharsets.UTF_8)).getFirst().getKeyID()).isEqualTo(kid);
        // Bound to service and kid: the same ciphertext does not decrypt as payment-service's, nor as another kid.
        assertThatThrownBy(() -> KeyEncryption.parse(kek)
                .decrypt(row.encrypted(), KeyEncryption.associatedData("payment-service", kid)))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> KeyEncryption.parse(kek)
                .decrypt(row.encrypted(), KeyEncryption.associatedData("identity-service", "another-kid")))
                .isInstanceOf(GeneralSecurityException.class);

        // A restart (or a replica) with the same key-encryption key signs with the same key.
        try (ApplicationContext again = start(database, Map.of(KEK_SETTING, kek))) {
            assertThat(again.getBean(KeyRing.class).signingKey().getKeyID()).isEqualTo(kid);
        }
    }

    @Test
    void a_plaintext_key_from_an_older_version_is_encrypted_on_the_first_start_with_a_kek() throws Exception {
        TestDatabases.Database database = TestDatabases.fresh("identity");
        String kid;
        // Development without a key-encryption key stores plaintext, exactly as older versions did everywhere.
        try (ApplicationContext older = start(database, Map.of())) {
            kid = older.getBean(KeyRing.class).signingKey().getKeyID();
        }
        assertThat(onlyRow(database).pem()).contains("PRIVATE KEY");

        try (ApplicationContext upgraded = start(database, Map.of(KEK_SETTING, kek))) {
            assertThat(upgraded.getBean(KeyRing.class).signingKey().getKeyID()).as("the same key").isEqualTo(kid);
        }

        StoredRow row = onlyRow(database);
        assertThat(row.pem()).isNull();
        assertThat(KeyEncryption.parse(kek)
                .decrypt(row.encrypted(), KeyEncryption.associatedData("identity-service", kid))).isNotNull();
    }

    @Test
    void an_encrypted_key_needs_its_kek_and_a_wrong_one_stops_the_start_with_a_clear_message() {
        TestDatabases.Database database = TestDatabases.fresh("identity");
        start(database, Map.of(KEK_SETTING, kek)).close();

        assertThatThrownBy(() -> start(database, Map.of()))
                .rootCause().hasMessageContaining("is encrypted")
                .hasMessageContaining("PLANSYNC_KEY_ENCRYPTION_KEY");
        assertThatThrownBy(() -> start(database, Map.of(KEK_SETTING, TestKeys.newKeyEncryptionKey())))
                .rootCause().hasMessageContaining("cannot be decrypted with PLANSYNC_KEY_ENCRYPTION_KEY")
                .hasMessageNotContaining(kek);
    }

    @Test
    void a_kek_rotation_encrypts_the_stored_key_again_with_the_new_kek() {
        TestDatabases.Database database = TestDatabases.fresh("identity");
        String kid;
        try (ApplicationContext before = start(database, Map.of(KEK_SETTING, kek))) {
            kid = before.getBean(KeyRing.class).signingKey().getKeyID();
        }
        String newKek = TestKeys.newKeyEncryptionKey();

        start(database, Map.of(KEK_SETTING, newKek + "," + kek)).close();

        // The old key-encryption key can go: the row is under the new one now.
        try (ApplicationContext after = start(database, Map.of(KEK_SETTING, newKek))) {
            assertThat(after.getBean(KeyRing.class).signingKey().getKeyID()).isEqualTo(kid);
        }
    }

    @Test
    void outside_development_it_refuses_to_start_with_neither_a_signing_key_nor_a_kek() throws SQLException {
        TestDatabases.Database database = TestDatabases.fresh("identity");

        assertThatThrownBy(() -> startOutsideDevelopment(database, Map.of()))
                .rootCause().hasMessageContaining("IDENTITY_TOKEN_SIGNING_KEY")
                .hasMessageContaining("PLANSYNC_KEY_ENCRYPTION_KEY")
                .hasMessageContaining("plaintext");
        assertThat(rows(database)).as("nothing stored").isEmpty();

        // Either one is enough.
        startOutsideDevelopment(database, new IdentitySigningKey().properties()).close();
        assertThat(rows(database)).as("a configured key generates nothing").isEmpty();
        startOutsideDevelopment(database, Map.of(KEK_SETTING, kek)).close();
        assertThat(onlyRow(database).pem()).isNull();
    }

    @Test
    void a_kek_that_is_not_base64_of_32_bytes_stops_the_start_without_echoing_it() {
        TestDatabases.Database database = TestDatabases.fresh("identity");
        String tooShort = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> start(database, Map.of(KEK_SETTING, tooShort)))
                .rootCause().hasMessageContaining("PLANSYNC_KEY_ENCRYPTION_KEY must be base64 of exactly 32")
                .hasMessageNotContaining(tooShort);
    }

    private static ApplicationContext start(TestDatabases.Database database, Map<String, String> extra) {
        return StartAttempt.start(ApplicationContext.builder()
                .properties(properties(database, extra))
                .environments(Environment.TEST));
    }

    private static ApplicationContext startOutsideDevelopment(TestDatabases.Database database,
                                                             Map<String, String> extra) {
        // No "test" environment deduced from JUnit on the stack: the service as it runs in production.
        return StartAttempt.start(ApplicationContext.builder()
                .deduceEnvironment(false)
                .properties(properties(database, extra)));
    }

    private static Map<String, Object> properties(TestDatabases.Database database, Map<String, String> extra) {
        return new HashMap<>(IdentityTestProperties.of(database, extra));
    }


    private static StoredRow onlyRow(TestDatabases.Database database) throws SQLException {
        List<StoredRow> rows = rows(database);
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }

    private static List<StoredRow> rows(TestDatabases.Database database) throws SQLException {
        List<StoredRow> rows = new ArrayList<>();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "select kid, private_key_pem, private_key_encrypted from signing_keys")) {
            while (result.next()) {
                rows.add(new StoredRow(result.getString(1), result.getString(2), result.getBytes(3)));
            }
        }
        return rows;
    }

    private record StoredRow(String kid, String pem, byte[] encrypted) {
    }
}
