package io.plansync.payment.reconcile;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.operators.OperatorAudit;
import io.plansync.payment.operators.OperatorRoles;
import io.plansync.support.problem.ProblemException;

/** Lets an operator run the reconciliation now (the CLI's `plansync reconcile`). */
@Controller("/admin/reconcile")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured({OperatorRoles.ADMIN, OperatorRoles.SUPER_ADMIN, OperatorRoles.OPERATOR})
public class ReconcileController {
    private final Reconcile reconcile;
    private final OperatorAudit audit;

    public ReconcileController(Reconcile reconcile, OperatorAudit audit) {
        this.reconcile = reconcile;
        this.audit = audit;
    }

    @Post
    public ReconciliationReport run(Authentication operator, @Nullable @QueryValue Boolean dryRun) {
        boolean dry = Boolean.TRUE.equals(dryRun);
        try {
            ReconciliationReport report = reconcile.run(dry);
            audit.record(operator.getName(), "reconcile", dry ? "dry-run" : "all users",
                    "checked " + report.checked() + ", drifted " + report.drifted() + ", enqueued "
                            + report.enqueued() + ", failed " + report.failed() + ", stripe recovered "
                            + report.stripeEventsRecovered());
            return report;
        } catch (Reconcile.AlreadyRunning e) {
            audit.record(operator.getName(), "reconcile", dry ? "dry-run" : "all users", "refused: already running");
            throw new ProblemException(HttpStatus.CONFLICT, ProblemCodes.CONFLICT, "Already running",
                    "A reconciliation is running on another replica; try again when it is done.");
        }
    }
}
