package io.plansync.payment;

import io.micronaut.openapi.annotation.OpenAPIInclude;
import io.micronaut.runtime.Micronaut;
import io.micronaut.serde.annotation.SerdeImport;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.UserLookup;
import io.plansync.contracts.UserView;
import io.plansync.support.keys.JwksController;
import io.plansync.support.keys.SigningKeysController;
import io.plansync.support.management.PublicHealthController;
import io.plansync.support.openapi.OpenApiController;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/** payment-service: plan checkout, Stripe webhooks, and the outbox that syncs plans to identity-service. */
@SerdeImport(PlanChangeBatch.Request.class)
@SerdeImport(PlanChangeBatch.Change.class)
@SerdeImport(PlanChangeBatch.Response.class)
@SerdeImport(PlanChangeBatch.Result.class)
@SerdeImport(UserView.class)
@SerdeImport(UserLookup.Request.class)
@SerdeImport(UserLookup.Response.class)
@OpenAPIDefinition(info = @Info(title = "PlanSync payment-service", version = "${service.version}",
        description = "Plan checkout, Stripe webhooks, the billing pages, the developer API, and the outbox that"
                + " syncs plans to identity-service."))
// Controllers compiled in service-support, which the document generated here would otherwise miss.
@OpenAPIInclude(classes = {PublicHealthController.class, JwksController.class, SigningKeysController.class,
        OpenApiController.class})
public class PaymentApplication {
    public static void main(String[] args) {
        Micronaut.run(PaymentApplication.class, args);
    }
}
