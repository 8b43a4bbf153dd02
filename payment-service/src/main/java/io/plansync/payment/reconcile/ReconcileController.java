package io.plansync.payment.reconcile;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.operators.OperatorAudit;
import io.plansync.payment.operators.OperatorRoles;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;

import java.sql.SQLException;
import java.util.List;

/**
 * Reconciliation for operators (the CLI's {@code plansync reconcile}): start a run as a job and follow it, read the
 * drifts it found; or, for small installations and older CLIs, run one and wait for it.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured({OperatorRoles.ADMIN, OperatorRoles.SUPER_ADMIN, OperatorRoles.OPERATOR})
public class ReconcileController {
    private static final int MAX_PAGE = 1000;

    private final Reconcile reconcile;
    private final ReconciliationRuns runs;
    private final OperatorAudit audit;

    public ReconcileController(Reconcile reconcile, ReconciliationRuns runs, OperatorAudit audit) {
        this.reconcile = reconcile;
        this.runs = runs;
        this.audit = audit;
    }

    /** Starts a run: 202 with the run (state running); 409 while one runs anywhere. */
    @Post("/admin/reconciliations")
    public HttpResponse<ReconciliationRun> start(Authentication operator, @Nullable @QueryValue Boolean dryRun) {
        boolean dry = Boolean.TRUE.equals(dryRun);
        try {
            ReconciliationRun run = reconcile.start(dry, operator.getName());
            audit.record(operator.getName(), "reconcile", dry ? "dry-run" : "all users", "started run " + run.id());
            return HttpResponse.accepted().body(run);
        } catch (Reconcile.AlreadyRunning e) {
            throw alreadyRunning(operator, dry);
        }
    }

    @Get("/admin/reconciliations/{id}")
    public ReconciliationRun run(@PathVariable long id) throws SQLException {
        return runs.find(id).orElseThrow(ReconcileController::notFound);
    }

    /** The newest run, finished or not. */
    @Get("/admin/reconciliations/latest")
    public ReconciliationRun latest() throws SQLException {
        return runs.latest().orElseThrow(ReconcileController::notFound);
    }

    /** A run's drifts, oldest first: {@code after} is the previous page's {@code next}. */
    @Get("/admin/reconciliations/{id}/drifts")
    public ReconciliationRuns.DriftPage drifts(@PathVariable long id, @Nullable @QueryValue Long after,
                                               @Nullable @QueryValue Integer limit) throws SQLException {
        int size = limit == null ? 100 : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw ProblemException.validation(List.of(new Problem.FieldError("limit", "must be 1 to " + MAX_PAGE)));
        }
        runs.find(id).orElseThrow(ReconcileController::notFound);
        return runs.drifts(id, after == null ? 0 : Math.max(0, after), size);
    }

    /** Runs one and answers when it is done (older CLIs; a large installation should start and follow a job). */
    @Post("/admin/reconcile")
    public ReconciliationRun runNow(Authentication operator, @Nullable @QueryValue Boolean dryRun) {
        boolean dry = Boolean.TRUE.equals(dryRun);
        try {
            ReconciliationRun run = reconcile.run(dry, operator.getName());
            audit.record(operator.getName(), "reconcile", dry ? "dry-run" : "all users",
                    "run " + run.id() + " " + run.state() + ": checked " + run.checked() + ", drifted "
                            + run.drifted() + ", enqueued " + run.enqueued() + ", failed " + run.failed()
                            + ", subscriptions drifted " + run.subscriptionsDrifted() + ", stripe recovered "
                            + run.stripeEventsRecovered());
            return run;
        } catch (Reconcile.AlreadyRunning e) {
            throw alreadyRunning(operator, dry);
        }
    }

    private ProblemException alreadyRunning(Authentication operator, boolean dry) {
        audit.record(operator.getName(), "reconcile", dry ? "dry-run" : "all users", "refused: already running");
        return new ProblemException(HttpStatus.CONFLICT, ProblemCodes.CONFLICT, "Already running",
                "A reconciliation is running; follow it (GET /admin/reconciliations/latest) or try again when it "
                        + "is done.");
    }

    private static ProblemException notFound() {
        return new ProblemException(HttpStatus.NOT_FOUND, ProblemCodes.NOT_FOUND, "Not found",
                "No such reconciliation run.");
    }
}
