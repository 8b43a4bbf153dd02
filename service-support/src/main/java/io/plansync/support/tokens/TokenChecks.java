package io.plansync.support.tokens;

import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import io.plansync.contracts.ServiceTokens;

import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.Set;

/** The claim and time rules every token check shares, user tokens and service tokens alike. */
public final class TokenChecks {
    /** Allowed clock difference between services, for exp, nbf and iat. */
    public static final long SKEW_SECONDS = ServiceTokens.CLOCK_SKEW_SECONDS;

    private TokenChecks() {
    }

    /** Nimbus's claims check (audience, exact claims, required claims, exp and nbf with skew) on the given clock. */
    public static DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier(String audience, JWTClaimsSet exactMatch,
                                                                          Set<String> required, Clock clock) {
        // Mutable sets: Nimbus asks them about null, which Set.of refuses.
        var verifier = new DefaultJWTClaimsVerifier<SecurityContext>(Collections.singleton(audience), exactMatch,
                new HashSet<>(required), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        verifier.setMaxClockSkew((int) SKEW_SECONDS);
        return verifier;
    }

    /** What Nimbus leaves out: a token issued in the future, or one that lives longer than allowed. */
    public static void checkIssuedAtAndLifetime(JWTClaimsSet claims, long maxLifetimeSeconds, Clock clock)
            throws TokenRejected {
        Instant issuedAt = claims.getIssueTime().toInstant();
        if (issuedAt.isAfter(clock.instant().plusSeconds(SKEW_SECONDS))) {
            throw new TokenRejected("issued in the future");
        }
        if (claims.getExpirationTime().toInstant().getEpochSecond() - issuedAt.getEpochSecond() > maxLifetimeSeconds) {
            throw new TokenRejected("lifetime too long");
        }
    }

    /** Nimbus refusals as short reasons for logs and metrics. */
    public static String reason(BadJOSEException e) {
        return Reasons.classify(e);
    }
}
