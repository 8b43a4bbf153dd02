package io.plansync.payment.userplan;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.plansync.payment.auth.UserIds;

/** The caller's plan as payment-service knows it, and how far its sync to identity-service has got. */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class UserStatusController {
    private final ReadUserStatus readUserStatus;

    public UserStatusController(ReadUserStatus readUserStatus) {
        this.readUserStatus = readUserStatus;
    }

    @Get("/user-status")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public ReadUserStatus.UserStatus status(Authentication authentication) {
        return readUserStatus.of(UserIds.of(authentication));
    }
}
