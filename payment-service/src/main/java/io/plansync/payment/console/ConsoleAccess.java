package io.plansync.payment.console;

import io.plansync.contracts.Roles;
import io.plansync.payment.billing.BillingSession;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Who may use the operator console, as plain rules: a signed-in billing session whose roles (read from
 * identity-service's token at sign-in) include one the duty needs, and whose sign-in is recent enough.
 */
public final class ConsoleAccess {

    private ConsoleAccess() {
    }

    /** What a console request does. */
    public enum Duty {
        /** Look at the outbox, drifts, users, keys and the audit; replay plan changes. */
        OPERATE(Set.of(Roles.OPERATOR, Roles.ADMIN, Roles.SUPER_ADMIN)),
        /** Revoke API keys and rotate signing keys: administrators only, as on the admin API. */
        ADMINISTER(Set.of(Roles.ADMIN, Roles.SUPER_ADMIN));

        private final Set<String> roles;

        Duty(Set<String> roles) {
            this.roles = roles;
        }

        boolean heldBy(Set<String> held) {
            return held.stream().anyMatch(roles::contains);
        }
    }

    public enum Verdict {
        ALLOWED,
        /** Not signed in, or signed in too long ago for the roles to count: sign in (again). */
        SIGN_IN,
        /** Signed in without a role the duty needs. */
        FORBIDDEN
    }

    public static Verdict of(BillingSession session, Duty duty, Instant now, Duration roleMaxAge) {
        if (!session.signedIn()) {
            return Verdict.SIGN_IN;
        }
        if (!duty.heldBy(session.roles())) {
            return Verdict.FORBIDDEN;
        }
        return now.isBefore(session.createdAt().plus(roleMaxAge)) ? Verdict.ALLOWED : Verdict.SIGN_IN;
    }
}
