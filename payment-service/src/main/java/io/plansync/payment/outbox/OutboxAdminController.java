package io.plansync.payment.outbox;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.plansync.payment.operators.OperatorRoles;

/** Operator endpoints over the outbox: identity-service user tokens whose roles include admin or operator. */
@Controller("/admin/outbox")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured({OperatorRoles.ADMIN, OperatorRoles.SUPER_ADMIN, OperatorRoles.OPERATOR})
public class OutboxAdminController {
    private final OperateOutbox operateOutbox;

    public OutboxAdminController(OperateOutbox operateOutbox) {
        this.operateOutbox = operateOutbox;
    }

    @Get
    public OutboxViews.Page list(Authentication operator, @Nullable @QueryValue String state,
                                 @Nullable @QueryValue String userId, @Nullable @QueryValue Integer limit,
                                 @Nullable @QueryValue String cursor) {
        return operateOutbox.list(operator.getName(), state, userId, limit, cursor);
    }

    @Get("/{id}")
    public OutboxViews.Detail show(Authentication operator, @PathVariable long id) {
        return operateOutbox.show(operator.getName(), id);
    }

    @Post("/{id}/replay")
    public OutboxViews.Replayed replay(Authentication operator, @PathVariable long id,
                                       @Nullable @QueryValue Boolean force) {
        return operateOutbox.replay(operator.getName(), id, Boolean.TRUE.equals(force));
    }

    @Post("/replay")
    public OutboxViews.ReplayedCount replayAll(Authentication operator,
                                               @Body OutboxViews.ReplayAllRequest request) {
        return operateOutbox.replayAll(operator.getName(), request);
    }
}
