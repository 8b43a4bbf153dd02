package io.plansync.identity.plan;

import io.plansync.support.input.VerbatimBody;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.plansync.contracts.PlanChangeBatch;
import io.plansync.contracts.PlanChangeResponse;
import io.plansync.identity.callers.Caller;
import io.plansync.support.limits.ClientAddresses;
import io.plansync.support.auth.ProblemAuthorizationExceptionHandler;

/**
 * {@code PUT /admin/users/{id}/plan} and its batch form {@code POST /admin/plan-changes}. Open to the security
 * filter on purpose: {@link ChangePlan} and {@link ChangePlanBatch} decide 401, 403 and 400 themselves so that
 * every attempt is audited (a verified caller's) or counted and logged (one without valid credentials).
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class PlanController {
    private final ChangePlan changePlan;
    private final ChangePlanBatch changePlanBatch;
    private final ClientAddresses clientAddresses;

    public PlanController(ChangePlan changePlan, ChangePlanBatch changePlanBatch, ClientAddresses clientAddresses) {
        this.changePlan = changePlan;
        this.changePlanBatch = changePlanBatch;
        this.clientAddresses = clientAddresses;
    }

    @Put("/admin/users/{id}/plan")
    @VerbatimBody
    @Secured(SecurityRule.IS_ANONYMOUS)
    @Consumes(MediaType.ALL)
    public PlanChangeResponse changePlan(@PathVariable String id, @Nullable Authentication authentication,
                                         HttpRequest<?> request, @Nullable @Body String body) {
        return changePlan.attempt(Caller.from(authentication),
                ProblemAuthorizationExceptionHandler.unauthenticated(request), id, body, clientAddresses.of(request));
    }

    @Post(PlanChangeBatch.PATH)
    @VerbatimBody
    @Secured(SecurityRule.IS_ANONYMOUS)
    @Consumes(MediaType.ALL)
    public PlanChangeBatch.Response changePlans(@Nullable Authentication authentication, HttpRequest<?> request,
                                                @Nullable @Body String body) {
        return changePlanBatch.attempt(Caller.from(authentication),
                ProblemAuthorizationExceptionHandler.unauthenticated(request), body, clientAddresses.of(request));
    }
}
