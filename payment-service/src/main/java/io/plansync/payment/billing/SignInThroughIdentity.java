package io.plansync.payment.billing;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.plansync.contracts.ProblemCodes;
import io.plansync.payment.auth.UserAuthentication;
import io.plansync.payment.identity.IdentityAuthClient;
import io.plansync.support.problem.Problem;
import io.plansync.support.problem.ProblemException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Signs a browser in (or registers it) through identity-service, server side: identity checks the password and its
 * lock-outs and issues a token, which is verified here like any bearer token and then dropped; the browser gets only
 * a session cookie. identity's refusals are passed on with their code, never its body.
 */
@Singleton
public class SignInThroughIdentity {
    private static final Logger LOG = LoggerFactory.getLogger(SignInThroughIdentity.class);

    private final IdentityAuthClient identity;
    private final UserAuthentication tokens;

    public SignInThroughIdentity(IdentityAuthClient identity, UserAuthentication tokens) {
        this.identity = identity;
        this.tokens = tokens;
    }

    /** @return the user that signed in, with the roles identity's token named */
    public UserAuthentication.VerifiedUser signIn(String email, String password, String clientAddress, String correlationId) {
        Map<String, String> credentials = credentials(email, password);
        try {
            HttpResponse<Map<String, Object>> answer = identity.login(clientAddress, correlationId, credentials);
            Object token = answer.getBody().map(b -> b.get("access_token")).orElse(null);
            return tokens.verifiedUser(String.valueOf(token)).orElseThrow(() -> unavailable(null));
        } catch (HttpClientResponseException e) {
            throw refused(e);
        } catch (HttpClientException e) {
            throw unavailable(e);
        }
    }

    /** Registers, then signs in. @return the new user */
    public UserAuthentication.VerifiedUser register(String email, String password, String clientAddress, String correlationId) {
        try {
            identity.register(clientAddress, correlationId, credentials(email, password));
        } catch (HttpClientResponseException e) {
            throw refused(e);
        } catch (HttpClientException e) {
            throw unavailable(e);
        }
        return signIn(email, password, clientAddress, correlationId);
    }

    private static Map<String, String> credentials(String email, String password) {
        if (email == null || email.isBlank() || password == null || password.isEmpty()) {
            throw ProblemException.validation(List.of(new Problem.FieldError("email and password", "are required")));
        }
        return Map.of("email", email, "password", password);
    }

    /** identity's 4xx as the same status and code, with words of our own. */
    private static ProblemException refused(HttpClientResponseException e) {
        int status = e.getStatus().getCode();
        String code = e.getResponse().getBody(Map.class).map(b -> b.get("code")).map(String::valueOf)
                .orElse(ProblemCodes.AUTH_INVALID);
        String detail = switch (code) {
            case ProblemCodes.EMAIL_TAKEN -> "That email is already registered; sign in instead.";
            case ProblemCodes.RATE_LIMITED -> "Too many attempts; wait a while and try again.";
            case ProblemCodes.VALIDATION_FAILED -> "Enter a valid email and a password of at least 12 characters.";
            default -> status == 401 ? "Wrong email or password." : "The sign-in was refused.";
        };
        if (status >= 500) {
            return unavailable(e);
        }
        return new ProblemException(HttpStatus.valueOf(status), code, "Refused", detail);
    }

    private static ProblemException unavailable(Exception e) {
        LOG.warn("Sign-in through identity-service failed: {}", e == null ? "its token was refused"
                : e.getClass().getSimpleName());
        return ProblemException.unavailable("Signing in is not possible right now; try again in a moment.");
    }
}
