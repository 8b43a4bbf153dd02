package io.plansync.identity.accounts;

import io.micronaut.http.HttpHeaders;
import io.plansync.support.input.VerbatimBody;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.plansync.support.limits.ClientAddresses;

/**
 * Registration, login and token refresh; each request is limited per client address by
 * {@link io.plansync.identity.limits.AuthRateLimitFilter} before it gets here.
 */
@Controller("/auth")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(SecurityRule.IS_ANONYMOUS)
public class AuthController {
    private final RegisterUser registerUser;
    private final LogIn logIn;
    private final RefreshSession refreshSession;
    private final ClientAddresses clientAddresses;

    public AuthController(RegisterUser registerUser, LogIn logIn, RefreshSession refreshSession,
                          ClientAddresses clientAddresses) {
        this.registerUser = registerUser;
        this.logIn = logIn;
        this.refreshSession = refreshSession;
        this.clientAddresses = clientAddresses;
    }

    @Post("/register")
    public HttpResponse<AuthMessages.RegisteredUser> register(@Body AuthMessages.Credentials body) {
        User user = registerUser.register(body.email(), body.password());
        return HttpResponse.created(new AuthMessages.RegisteredUser(user.id().toString(), user.email(), user.plan(),
                user.status()));
    }

    /** Not held to the input limits: any email that is not an account, however long or odd, gets the same 401. */
    @Post("/login")
    @VerbatimBody
    public HttpResponse<AuthMessages.TokenPair> login(@Body AuthMessages.Credentials body, HttpRequest<?> request) {
        return tokens(logIn.logIn(body.email(), body.password(), clientAddresses.of(request)));
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
