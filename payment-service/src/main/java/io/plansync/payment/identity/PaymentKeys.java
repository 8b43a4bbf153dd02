package io.plansync.payment.identity;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.support.keys.KeyProtection;
import io.plansync.support.keys.KeyRing;
import io.plansync.support.keys.KeyRingLoader;

import java.sql.Connection;

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
}
