package io.plansync.payment.identity;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.transaction.TransactionOperations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.plansync.support.keys.KeyProtection;
import io.plansync.support.keys.KeyProtectionFactory;
import io.plansync.support.keys.SigningKeyMetrics;
import io.plansync.support.keys.SigningKeyRotation;
import io.plansync.support.keys.KeyRing;
import io.plansync.support.keys.KeyRingLoader;

import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;

/** The key ring that signs service tokens; its public half is published at /.well-known/jwks.json. */
@Factory
public class PaymentKeys {
    /** Binds stored (encrypted) keys to this service: never change it, or stored keys no longer decrypt. */
    static final String SERVICE = "payment-service";

    /** Loaded at start-up so a bad key configuration stops the service at once. */
    @Context
    KeyRing keyRing(ServiceTokenProperties properties, KeyProtection protection,
                    TransactionOperations<Connection> transactions) {
        return transactions.executeWrite(status -> KeyRingLoader.load(SERVICE, "PAYMENT_SERVICE_TOKEN_SIGNING_KEY",
                properties.signingKey(), properties.previousSigningKeys(), protection, status.getConnection()));
    }

    /**
     * The generated keys' rotation (nothing to do when keys are configured): they sign service tokens and the
     * billing pages' operation tokens, whichever lives longer decides the overlap.
     */
    @Context
    SigningKeyRotation signingKeyRotation(KeyRing keyRing, KeyProtection protection,
                                          KeyProtectionFactory.Settings settings, ServiceTokenProperties tokens,
                                          @Value("${plansync.payment-methods.token-lifetime}")
                                          Duration operationTokenLifetime,
                                          DataSource dataSource, MeterRegistry metrics) {
        keyRing.onVerification(SigningKeyMetrics.counting(metrics));
        Duration longest = tokens.lifetime().compareTo(operationTokenLifetime) > 0 ? tokens.lifetime()
                : operationTokenLifetime;
        return new SigningKeyRotation(SERVICE, keyRing, protection, DelegatingDataSource.unwrapDataSource(dataSource),
                settings.rotation(longest), Clock.systemUTC());
    }
}
