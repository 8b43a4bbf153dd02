package io.plansync.identity;

import io.micronaut.runtime.Micronaut;
import io.micronaut.serde.annotation.SerdeImport;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.PlanChangeRequest;
import io.plansync.contracts.PlanChangeResponse;
import io.plansync.contracts.UserLookup;
import io.plansync.contracts.UserView;

/** identity-service: users, login, user tokens and the plan endpoints. */
@SerdeImport(PlanChangeBatch.Request.class)
@SerdeImport(PlanChangeBatch.Change.class)
@SerdeImport(PlanChangeBatch.Response.class)
@SerdeImport(PlanChangeBatch.Result.class)
@SerdeImport(PlanChangeRequest.class)
@SerdeImport(PlanChangeResponse.class)
@SerdeImport(UserView.class)
@SerdeImport(UserLookup.Request.class)
@SerdeImport(UserLookup.Response.class)
public class IdentityApplication {
    public static void main(String[] args) {
        Micronaut.run(IdentityApplication.class, args);
    }
}
