package io.plansync.payment.usersupport;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.payment.auth.UserIds;
import io.plansync.payment.billing.BillingSessions;
import io.plansync.payment.operators.OperatorAudit;
import io.plansync.payment.operators.OperatorRoles;
import io.plansync.support.problem.ProblemException;

import java.sql.SQLException;
import java.util.UUID;

/**
 * A user as operators see them (the CLI's {@code plansync users show} and {@code users revoke-sessions}): the plan
 * across Stripe, payment-service and identity-service, and signing them out of the billing pages. Audited.
 */
@Controller("/admin/users")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured({OperatorRoles.ADMIN, OperatorRoles.SUPER_ADMIN, OperatorRoles.OPERATOR})
public class UserAdminController {
    private final ShowUserAcrossServices show;
    private final BillingSessions billingSessions;
    private final OperatorAudit audit;

    public UserAdminController(ShowUserAcrossServices show, BillingSessions billingSessions, OperatorAudit audit) {
        this.show = show;
        this.billingSessions = billingSessions;
        this.audit = audit;
    }

    @Serdeable
    public record SessionsEnded(String userId, int billingSessionsEnded) {
    }

    @Get("/{id}")
    public ShowUserAcrossServices.UserAcrossServices show(Authentication operator, @PathVariable String id) {
        return show.show(operator.getName(), UserIds.given("id", id));
    }

    /** Ends every billing-page session of the user (identity-service revokes their refresh tokens). */
    @Post("/{id}/revoke-sessions")
    @Secured({OperatorRoles.ADMIN, OperatorRoles.SUPER_ADMIN})
    public SessionsEnded revokeSessions(Authentication admin, @PathVariable String id) {
        UUID user = UserIds.given("id", id);
        try {
            int ended = billingSessions.endAllOf(user);
            audit.record(admin.getName(), "user-revoke-sessions", user.toString(), ended + " billing sessions ended");
            return new SessionsEnded(user.toString(), ended);
        } catch (SQLException e) {
            throw ProblemException.unavailable("Try again in a moment.");
        }
    }
}
