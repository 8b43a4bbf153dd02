package io.plansync.identity.accounts;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

/** Registration, login and token refresh. */
@Controller("/auth")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(SecurityRule.IS_ANONYMOUS)
public class AuthController {
    private final RegisterUser registerUser;
    private final LogIn logIn;
    private final RefreshSession refreshSession;

    public AuthController(RegisterUser registerUser, LogIn logIn, RefreshSession refreshSession) {
        this.registerUser = registerUser;
        this.logIn = logIn;
        this.refreshSession = refreshSession;
    }

    @Post("/register")
    public HttpResponse<AuthMessages.RegisteredUser> register(@Body AuthMessages.Credentials body) {
        User user = registerUser.register(body.email(), body.password());
        return HttpResponse.created(new AuthMessages.RegisteredUser(user.id().toString(), user.email(), user.plan(),
                user.status()));
    }

    @Post("/login")
    public HttpResponse<AuthMessages.TokenPair> login(@Body AuthMessages.Credentials body) {
        return tokens(logIn.logIn(body.email(), body.password()));
    }

    @Post("/refresh")
    public HttpResponse<AuthMessages.TokenPair> refresh(@Body AuthMessages.RefreshRequest body) {
        return tokens(refreshSession.refresh(body.refreshToken()));
    }

    /** Tokens must never be kept by a browser's or a proxy's cache (RFC 6749 5.1). */
    private static HttpResponse<AuthMessages.TokenPair> tokens(AuthMessages.TokenPair pair) {
        return HttpResponse.ok(pair).header(HttpHeaders.CACHE_CONTROL, "no-store");
    }
}
