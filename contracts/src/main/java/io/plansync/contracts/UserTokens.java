package io.plansync.contracts;

/** The user access-token contract: issued by identity-service, verified by both services. */
public final class UserTokens {
    /** JOSE header {@code typ} of a user access token (RFC 9068). */
    public static final String TYPE = "at+jwt";
    public static final String CLAIM_ROLES = "roles";
    /** The plan the user held when the token was issued (free once its paid time had ended). */
    public static final String CLAIM_PLAN = "plan";
    /** Grows with every plan change applied to the user: of two tokens, the higher one carries the newer plan. */
    public static final String CLAIM_PLAN_VERSION = "plan_version";
    /** The features of {@link #CLAIM_PLAN} ({@link PlanFeatures}). */
    public static final String CLAIM_ENTITLEMENTS = "entitlements";
    public static final String DEFAULT_ISSUER = "plansync-identity";
    public static final String DEFAULT_AUDIENCE = "plansync";
    public static final long MAX_LIFETIME_SECONDS = 900;
    public static final String JWKS_PATH = "/.well-known/jwks.json";

    private UserTokens() {
    }
}
