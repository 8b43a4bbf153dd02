package io.plansync.contracts;

/**
 * The service-token contract between payment-service (signer) and identity-service (verifier).
 * A service token is an ES256 JWT whose iss and sub are the client id, whose aud contains {@link #AUDIENCE_IDENTITY},
 * whose lifetime is at most {@link #MAX_LIFETIME_SECONDS} and whose jti is never reused.
 */
public final class ServiceTokens {
    public static final String CLIENT_PAYMENT_SERVICE = "payment-service";
    public static final String AUDIENCE_IDENTITY = "identity-service";
    /** JOSE header {@code typ} of a service token; user access tokens use {@link UserTokens#TYPE}. */
    public static final String TYPE = "JWT";
    public static final String CLAIM_SCOPE = "scope";
    /** Optional request header naming the calling service; when sent it must equal the token's client id. */
    public static final String HEADER_SERVICE = "X-Service";
    public static final long MAX_LIFETIME_SECONDS = 300;
    public static final long CLOCK_SKEW_SECONDS = 30;

    private ServiceTokens() {
    }
}
