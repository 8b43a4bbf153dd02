package io.plansync.payment;

import io.micronaut.runtime.Micronaut;
import io.micronaut.serde.annotation.SerdeImport;
import io.plansync.contracts.PlanChangeRequest;
import io.plansync.contracts.PlanChangeResponse;
import io.plansync.contracts.UserView;

/** payment-service: plan checkout, Stripe webhooks, and the outbox that syncs plans to identity-service. */
@SerdeImport(PlanChangeRequest.class)
@SerdeImport(PlanChangeResponse.class)
@SerdeImport(UserView.class)
public class PaymentApplication {
    public static void main(String[] args) {
        Micronaut.run(PaymentApplication.class, args);
    }
}
