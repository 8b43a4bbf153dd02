package io.plansync.contracts;

/** Values of the {@code code} member of every application/problem+json error body. */
public final class ProblemCodes {
    public static final String VALIDATION_FAILED = "VALIDATION_FAILED";
    public static final String AUTH_INVALID = "AUTH_INVALID";
    public static final String AUTH_SERVICE_TOKEN_INVALID = "AUTH_SERVICE_TOKEN_INVALID";
    public static final String INSUFFICIENT_SCOPE = "INSUFFICIENT_SCOPE";
    public static final String FORBIDDEN = "FORBIDDEN";
    public static final String USER_NOT_FOUND = "USER_NOT_FOUND";
    public static final String EMAIL_TAKEN = "EMAIL_TAKEN";
    public static final String RATE_LIMITED = "RATE_LIMITED";
    public static final String REFRESH_TOKEN_INVALID = "REFRESH_TOKEN_INVALID";
    public static final String NOT_FOUND = "NOT_FOUND";
    public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
    public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
    public static final String NOT_ACCEPTABLE = "NOT_ACCEPTABLE";
    public static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
    public static final String CONFLICT = "CONFLICT";
    public static final String PLAN_NOT_PURCHASABLE = "PLAN_NOT_PURCHASABLE";
    public static final String STRIPE_UNAVAILABLE = "STRIPE_UNAVAILABLE";
    /** A new subscription was asked for by a user who has one: they change it in the billing portal. */
    public static final String SUBSCRIPTION_EXISTS = "SUBSCRIPTION_EXISTS";
    /** The billing portal was asked for by a user who never bought anything (no Stripe customer). */
    public static final String NO_BILLING_ACCOUNT = "NO_BILLING_ACCOUNT";
    /** The user's billing account (their Stripe customer) no longer checks out against Stripe. */
    public static final String MAPPING_STALE = "MAPPING_STALE";
    /** A billing page's state-changing request without this session's CSRF token. */
    public static final String CSRF_INVALID = "CSRF_INVALID";
    /** A billing page's request without a live session (ended, expired, signed out), or not signed in. */
    public static final String SESSION_INVALID = "SESSION_INVALID";
    /** A payment-method operation without a valid operation token: missing, expired, already used, or forged. */
    public static final String OPERATION_TOKEN_INVALID = "OPERATION_TOKEN_INVALID";
    /** An operation token for another operation category, another user or another customer. */
    public static final String OPERATION_TOKEN_FORBIDDEN = "OPERATION_TOKEN_FORBIDDEN";
    /** A payment method that is not one of the user's own (or does not exist): the two are not told apart. */
    public static final String PAYMENT_METHOD_NOT_FOUND = "PAYMENT_METHOD_NOT_FOUND";
    /** A developer API (/v1) request without a valid API key: missing, unknown, wrong secret, revoked or expired. */
    public static final String API_KEY_INVALID = "API_KEY_INVALID";
    public static final String WEBHOOK_SIGNATURE_INVALID = "WEBHOOK_SIGNATURE_INVALID";
    public static final String SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";
    /** Too much work at once (e.g. password hashing is at its limit): retry after {@code Retry-After}. */
    public static final String SERVICE_BUSY = "SERVICE_BUSY";
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    private ProblemCodes() {
    }
}
