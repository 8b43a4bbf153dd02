package io.plansync.payment.keys;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.transaction.TransactionOperations;
import io.plansync.support.keys.KeyRing;
import io.plansync.support.keys.KeyRingLoader;

import java.sql.Connection;

/** The key ring that signs service tokens; its public half is published at /.well-known/jwks.json. */
@Factory
public class PaymentKeys {

    /** Loaded at start-up so a bad key configuration stops the service at once. */
    @Context
    KeyRing keyRing(ServiceTokenProperties properties, TransactionOperations<Connection> transactions) {
        return transactions.executeWrite(status -> KeyRingLoader.load(properties.signingKey(),
                properties.previousSigningKeys(), status.getConnection(), "PAYMENT_SERVICE_TOKEN_SIGNING_KEY"));
    }
}
