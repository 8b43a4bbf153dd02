package io.plansync.payment;

import io.micronaut.runtime.Micronaut;
import io.micronaut.serde.annotation.SerdeImport;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.UserLookup;
import io.plansync.contracts.UserView;

/** payment-service: plan checkout, Stripe webhooks, and the outbox that syncs plans to identity-service. */
@SerdeImport(PlanChangeBatch.Request.class)
@SerdeImport(PlanChangeBatch.Change.class)
@SerdeImport(PlanChangeBatch.Response.class)
@SerdeImport(PlanChangeBatch.Result.class)
@SerdeImport(UserView.class)
@SerdeImport(UserLookup.Request.class)
@SerdeImport(UserLookup.Response.class)
public class PaymentApplication {
    public static void main(String[] args) {
        Micronaut.run(PaymentApplication.class, args);
    }
}
