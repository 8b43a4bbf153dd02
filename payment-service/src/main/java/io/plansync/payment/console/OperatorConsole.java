package io.plansync.payment.console;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.views.ModelAndView;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.apikeys.ManageApiKeys;
import io.plansync.payment.billing.BillingPages;
import io.plansync.payment.billing.BillingSession;
import io.plansync.payment.billing.BrowserSessions;
import io.plansync.payment.outbox.OperateOutbox;
import io.plansync.payment.outbox.OutboxViews;
import io.plansync.support.keys.SigningKeyRotation;
import io.plansync.support.limits.ClientAddresses;
import io.plansync.support.problem.ProblemException;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The operator console: one server-rendered page under the billing pages' path (their session cookies, CSRF
 * token, security headers and per-address limit apply unchanged), and its actions as JSON POSTs from console.js
 * with the CSRF header. A session is admitted by the roles identity-service's token named at sign-in
 * ({@link ConsoleAccess}); every read and change goes through the admin API's use cases, audited with the
 * operator's user id.
 */
@Controller(BillingPages.CONSOLE)
@Secured(SecurityRule.IS_ANONYMOUS)
@ExecuteOn(TaskExecutors.BLOCKING)
public class OperatorConsole {
    private final BrowserSessions sessions;
    private final ClientAddresses clientAddresses;
    private final ConsoleProperties properties;
    private final ShowConsole show;
    private final OperateOutbox outbox;
    private final ManageApiKeys apiKeys;
    private final SigningKeyRotation signingKeys;

    public OperatorConsole(BrowserSessions sessions, ClientAddresses clientAddresses, ConsoleProperties properties,
                           ShowConsole show, OperateOutbox outbox, ManageApiKeys apiKeys,
                           SigningKeyRotation signingKeys) {
        this.sessions = sessions;
        this.clientAddresses = clientAddresses;
        this.properties = properties;
        this.show = show;
        this.outbox = outbox;
        this.apiKeys = apiKeys;
        this.signingKeys = signingKeys;
    }

    @Serdeable
    public record Replay(@Nullable Boolean force) {
    }

    /** A bulk replay of dead rows, all or one user's or those dead since a time; {@code dryRun}: count only. */
    @Serdeable
    public record ReplayDead(@Nullable String userId, @Nullable String since, @Nullable Boolean dryRun) {
    }

    @Serdeable
    public record ReplayDeadAnswer(long rows, boolean dryRun) {
    }

    @Serdeable
    public record Rotate(@Nullable Boolean now) {
    }

    @Get
    public HttpResponse<?> page(HttpRequest<?> request, @Nullable @QueryValue String state,
                                @Nullable @QueryValue String userId, @Nullable @QueryValue String cursor,
                                @Nullable @QueryValue String row, @Nullable @QueryValue String user) {
        BrowserSessions.ForPage page = sessions.forPage(request, clientAddresses.of(request));
        Instant now = Instant.now();
        ConsoleAccess.Verdict verdict = ConsoleAccess.of(page.session(), ConsoleAccess.Duty.OPERATE, now,
                properties.roleMaxAge());
        if (verdict == ConsoleAccess.Verdict.SIGN_IN) {
            return withCookies(HttpResponse.seeOther(URI.create("/billing/sign-in?next="
                    + URLEncoder.encode(BillingPages.CONSOLE, StandardCharsets.UTF_8))), page.cookies());
        }
        Map<String, Object> model = page.model();
        if (verdict == ConsoleAccess.Verdict.FORBIDDEN) {
            return withCookies(HttpResponse.status(HttpStatus.FORBIDDEN)
                    .body(new ModelAndView<>("console/forbidden", model)), page.cookies());
        }
        model.put("administrator", ConsoleAccess.of(page.session(), ConsoleAccess.Duty.ADMINISTER, now,
                properties.roleMaxAge()) == ConsoleAccess.Verdict.ALLOWED);
        model.putAll(show.model(operator(page.session()), new ShowConsole.Query(state, userId, cursor, row, user)));
        return withCookies(HttpResponse.ok(new ModelAndView<>("console/console", model)), page.cookies());
    }

    @Post("/outbox/{id}/replay")
    public OutboxViews.Replayed replay(HttpRequest<?> request, @PathVariable long id, @Nullable @Body Replay body) {
        String operator = admitted(request, ConsoleAccess.Duty.OPERATE);
        return outbox.replay(operator, id, body != null && Boolean.TRUE.equals(body.force()));
    }

    @Post("/outbox/replay-dead")
    public ReplayDeadAnswer replayDead(HttpRequest<?> request, @Nullable @Body ReplayDead body) {
        String operator = admitted(request, ConsoleAccess.Duty.OPERATE);
        ReplayDead choice = body == null ? new ReplayDead(null, null, null) : body;
        var rows = new OutboxViews.ReplayAllRequest(null, choice.userId(), choice.since());
        if (Boolean.TRUE.equals(choice.dryRun())) {
            return new ReplayDeadAnswer(outbox.countReplayable(operator, rows), true);
        }
        return new ReplayDeadAnswer(outbox.replayAll(operator, rows).replayed(), false);
    }

    @Post("/api-keys/{id}/revoke")
    public ManageApiKeys.KeyView revokeApiKey(HttpRequest<?> request, @PathVariable String id) {
        return apiKeys.revoke(id, admitted(request, ConsoleAccess.Duty.ADMINISTER));
    }

    @Post("/signing-keys/rotate")
    public List<SigningKeyRotation.KeyView> rotateSigningKey(HttpRequest<?> request, @Nullable @Body Rotate body) {
        String administrator = admitted(request, ConsoleAccess.Duty.ADMINISTER);
        return signingKeys.rotate(body != null && Boolean.TRUE.equals(body.now()), administrator);
    }

    /** The operator of a console action: a live session, its CSRF token, and a role the duty needs. */
    private String admitted(HttpRequest<?> request, ConsoleAccess.Duty duty) {
        BrowserSessions.ForAction action = sessions.forAction(request);
        return switch (ConsoleAccess.of(action.session(), duty, Instant.now(), properties.roleMaxAge())) {
            case ALLOWED -> operator(action.session());
            case SIGN_IN -> throw new ProblemException(HttpStatus.UNAUTHORIZED, ProblemCodes.SESSION_INVALID,
                    "Sign in again", "Sign in again to use the operator console.");
            case FORBIDDEN -> throw new ProblemException(HttpStatus.FORBIDDEN, ProblemCodes.FORBIDDEN, "Forbidden",
                    duty == ConsoleAccess.Duty.ADMINISTER ? "Only an administrator may do this."
                            : "The operator console is for operators and administrators.");
        };
    }

    private static String operator(BillingSession session) {
        return session.userId().toString();
    }

    private static <T> MutableHttpResponse<T> withCookies(MutableHttpResponse<T> response, List<Cookie> cookies) {
        cookies.forEach(response::cookie);
        return response;
    }
}
