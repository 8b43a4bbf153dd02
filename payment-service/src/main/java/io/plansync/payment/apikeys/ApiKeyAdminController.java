package io.plansync.payment.apikeys;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.plansync.payment.operators.OperatorRoles;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

/** API keys for administrators (the CLI's {@code plansync apikeys}); every change is in the operator audit. */
@Controller("/admin/api-keys")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured({OperatorRoles.ADMIN, OperatorRoles.SUPER_ADMIN})
public class ApiKeyAdminController {
    private final ManageApiKeys keys;

    public ApiKeyAdminController(ManageApiKeys keys) {
        this.keys = keys;
    }

    /** {@code requestsPerMinute} null: the default. */
    @Serdeable
    public record CreateKey(@Nullable String name, @Nullable List<String> scopes,
                            @Nullable Integer requestsPerMinute) {
    }

    /** {@code overlap}: ISO-8601 (PT24H), how long the old key keeps working; null: the default. */
    @Serdeable
    public record RotateKey(@Nullable String overlap) {
    }

    @Post
    public HttpResponse<ManageApiKeys.CreatedKey> create(Authentication admin, @Body CreateKey body) {
        return HttpResponse.created(keys.create(body.name(), body.scopes(), body.requestsPerMinute(),
                admin.getName()));
    }

    @Get
    public List<ManageApiKeys.KeyView> list() {
        return keys.list();
    }

    @Post("/{id}/revoke")
    public ManageApiKeys.KeyView revoke(Authentication admin, @PathVariable String id) {
        return keys.revoke(id, admin.getName());
    }

    @Post("/{id}/rotate")
    public HttpResponse<ManageApiKeys.CreatedKey> rotate(Authentication admin, @PathVariable String id,
                                                         @Nullable @Body RotateKey body) {
        Duration overlap = null;
        if (body != null && body.overlap() != null) {
            try {
                overlap = Duration.parse(body.overlap());
            } catch (DateTimeParseException e) {
                throw ProblemException.validation(List.of(new Problem.FieldError("overlap",
                        "must be an ISO-8601 duration such as PT24H")));
            }
        }
        return HttpResponse.created(keys.rotate(id, overlap, admin.getName()));
    }
}
