package io.plansync.identity.tokens;

import io.micronaut.context.annotation.Factory;
import io.micrometer.core.instrument.MeterRegistry;
import io.plansync.support.keys.KeyProtection;
import io.plansync.support.keys.KeyProtectionFactory;
import io.plansync.support.keys.SigningKeyMetrics;
import io.plansync.support.keys.SigningKeyRotation;
import io.plansync.support.keys.KeyRing;
import io.plansync.support.keys.KeyRingLoader;
import io.plansync.support.tokens.UserTokenVerifier;
import jakarta.inject.Singleton;

import io.micronaut.context.annotation.Context;
import io.micronaut.transaction.TransactionOperations;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Clock;

/** The key ring that signs user access tokens, and the verifier for them. */
@Factory
public class IdentityKeys {
    /** Binds stored (encrypted) keys to this service: never change it, or stored keys no longer decrypt. */
    static final String SERVICE = "identity-service";

    /** Loaded at start-up so a bad key configuration stops the service at once. */
    @Context
    KeyRing keyRing(TokenProperties properties, KeyProtection protection,
                    TransactionOperations<Connection> transactions) {
        return transactions.executeWrite(status -> KeyRingLoader.load(SERVICE, "IDENTITY_TOKEN_SIGNING_KEY",
                properties.signingKey(), properties.previousSigningKeys(), protection, status.getConnection()));
    }

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Made at start-up (it counts verifications from the first token on). The generated keys' rotation (nothing to do when keys are configured): access tokens live the longest. */
    @Context
    SigningKeyRotation signingKeyRotation(KeyRing keyRing, KeyProtection protection,
                                          KeyProtectionFactory.Settings settings, TokenProperties properties,
                                          DataSource dataSource, Clock clock, MeterRegistry metrics) {
        keyRing.onVerification(SigningKeyMetrics.counting(metrics));
        return new SigningKeyRotation(SERVICE, keyRing, protection, DelegatingDataSource.unwrapDataSource(dataSource),
                settings.rotation(properties.accessTokenTtl()), clock);
    }

    @Singleton
    UserTokenVerifier userTokenVerifier(KeyRing keyRing, TokenProperties properties, Clock clock) {
        return new UserTokenVerifier(keyRing.verificationKeys(), properties.issuer(), properties.audience(), clock);
    }
}
