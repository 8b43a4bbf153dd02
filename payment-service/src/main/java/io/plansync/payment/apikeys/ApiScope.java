package io.plansync.payment.apikeys;

import java.util.Arrays;
import java.util.Optional;

/** What an API key may do; each /v1 endpoint needs one. */
public enum ApiScope {
    /** GET /v1/users/{id}/entitlements */
    ENTITLEMENTS_READ("entitlements:read"),
    /** GET /v1/plans */
    PLANS_READ("plans:read"),
    /** POST /v1/users/{id}/checkout-sessions */
    CHECKOUT_CREATE("checkout:create");

    private final String wire;

    ApiScope(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<ApiScope> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire.equals(value)).findFirst();
    }
}
