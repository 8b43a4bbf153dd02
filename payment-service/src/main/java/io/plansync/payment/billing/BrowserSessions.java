package io.plansync.payment.billing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.cookie.Cookie;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.auth.UserAuthentication;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The boundary of the billing pages: a browser's server-side session and its CSRF token, read from and written to
 * the two HttpOnly cookies. A page starts a session when the browser has none (the handshake) and hands the CSRF
 * token to the page once; every state-changing request must send it back in {@code X-CSRF-Token}.
 */
@Singleton
public class BrowserSessions {
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Logger LOG = LoggerFactory.getLogger(BrowserSessions.class);

    private final BillingSessions sessions;
    private final BillingProperties properties;

    public BrowserSessions(BillingSessions sessions, BillingProperties properties) {
        this.sessions = sessions;
        this.properties = properties;
    }

    /** A page's session: {@code csrfToken} goes into the page; {@code cookies} onto the answer. */
    public record ForPage(BillingSession session, String csrfToken, List<Cookie> cookies, @Nullable String email) {
        /** A page's model with what every page's head and header show: the CSRF token, who is signed in. */
        public Map<String, Object> model() {
            Map<String, Object> model = new HashMap<>();
            model.put("csrf", csrfToken);
            model.put("signedIn", session.signedIn());
            model.put("email", email);
            return model;
        }
    }

    /** The session of a state-changing request, its CSRF token checked. */
    public record ForAction(BillingSession session, String sessionId) {
    }

    /** The browser's live session, or a new anonymous one; a CSRF token due for rotation is rotated. */
    public ForPage forPage(HttpRequest<?> request, @Nullable String clientAddress) {
        try {
            Instant now = Instant.now();
            Optional<String> id = BillingCookies.read(request, BillingCookies.SESSION);
            Optional<BillingSession> live = id.flatMap(this::find).filter(s -> SessionRules.alive(s, now, properties));
            if (live.isEmpty()) {
                return start(null, null, Set.of(), clientAddress);
            }
            BillingSession session = live.get();
            sessions.touch(session.idHash());
            Optional<String> csrf = BillingCookies.read(request, BillingCookies.CSRF)
                    .filter(c -> SessionRules.hash(c).equals(session.csrfHash()));
            if (csrf.isPresent() && !SessionRules.csrfDue(session, now, properties)) {
                return new ForPage(session, csrf.get(), List.of(), session.email());
            }
            String fresh = SessionRules.newSecret();
            sessions.rotateCsrf(session.idHash(), SessionRules.hash(fresh));
            return new ForPage(session, fresh, List.of(BillingCookies.of(BillingCookies.CSRF, fresh,
                    remaining(session, now), properties.secureCookies())), session.email());
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /**
     * The session of a state-changing request: 401 {@code SESSION_INVALID} without a live one, 403
     * {@code CSRF_INVALID} unless header and cookie carry the session's token (or, briefly after a rotation, the
     * previous one).
     */
    public ForAction forAction(HttpRequest<?> request) {
        try {
            Instant now = Instant.now();
            Optional<String> id = BillingCookies.read(request, BillingCookies.SESSION);
            BillingSession session = id.flatMap(this::find).filter(s -> SessionRules.alive(s, now, properties))
                    .orElseThrow(() -> new ProblemException(HttpStatus.UNAUTHORIZED, ProblemCodes.SESSION_INVALID,
                            "No session", "Your session has ended; reload the page and sign in again."));
            String header = request.getHeaders().get(CSRF_HEADER);
            String cookie = BillingCookies.read(request, BillingCookies.CSRF).orElse(null);
            if (!SessionRules.csrfAccepted(session, header, cookie, now, properties)) {
                throw new ProblemException(HttpStatus.FORBIDDEN, ProblemCodes.CSRF_INVALID, "Forbidden",
                        "The request did not carry this session's CSRF token; reload the page and try again.");
            }
            sessions.touch(session.idHash());
            return new ForAction(session, id.get());
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** The signed-in user of an action, or 401 when the session is anonymous. */
    public UUID userOf(ForAction action) {
        if (!action.session().signedIn()) {
            throw new ProblemException(HttpStatus.UNAUTHORIZED, ProblemCodes.SESSION_INVALID, "Not signed in",
                    "Sign in first.");
        }
        return action.session().userId();
    }

    /**
     * Sign-in: the anonymous session ends and a new one, with new secrets, carries the user (a session id known
     * before sign-in is worth nothing after it). @return the cookies of the new session
     */
    public List<Cookie> signIn(ForAction anonymous, UserAuthentication.VerifiedUser user, String email,
                               @Nullable String clientAddress) {
        try {
            sessions.end(anonymous.session().idHash());
            return start(user.id(), email, user.roles(), clientAddress).cookies();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Sign-out: the session ends on the server; the cookies are cleared. */
    public List<Cookie> signOut(ForAction action) {
        try {
            sessions.end(action.session().idHash());
            return List.of(BillingCookies.cleared(BillingCookies.SESSION, properties.secureCookies()),
                    BillingCookies.cleared(BillingCookies.CSRF, properties.secureCookies()));
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private ForPage start(@Nullable UUID userId, @Nullable String email, Set<String> roles,
                          @Nullable String clientAddress) throws SQLException {
        String id = SessionRules.newSecret();
        String csrf = SessionRules.newSecret();
        Instant now = Instant.now();
        sessions.create(SessionRules.hash(id), userId, SessionRules.hash(csrf), email, roles,
                now.plus(properties.absoluteTimeout()), clientAddress);
        BillingSession session = sessions.find(SessionRules.hash(id)).orElseThrow();
        List<Cookie> cookies = new ArrayList<>();
        cookies.add(BillingCookies.of(BillingCookies.SESSION, id, properties.absoluteTimeout(),
                properties.secureCookies()));
        cookies.add(BillingCookies.of(BillingCookies.CSRF, csrf, properties.absoluteTimeout(),
                properties.secureCookies()));
        return new ForPage(session, csrf, cookies, email);
    }

    private Optional<BillingSession> find(String id) {
        try {
            return sessions.find(SessionRules.hash(id));
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private Duration remaining(BillingSession session, Instant now) {
        Duration left = Duration.between(now, session.expiresAt());
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static ProblemException unavailable(SQLException e) {
        LOG.error("Billing sessions unavailable: {}", e.getClass().getSimpleName());
        return ProblemException.unavailable("Try again in a moment.");
    }
}
