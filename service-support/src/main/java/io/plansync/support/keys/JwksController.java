package io.plansync.support.keys;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.plansync.contracts.UserTokens;

/** Publishes the public keys of the service's {@link KeyRing}: user tokens (identity) or service tokens (payment). */
@Controller
@Requires(beans = KeyRing.class)
@Secured(SecurityRule.IS_ANONYMOUS)
public class JwksController {
    private final KeyRing keyRing;

    public JwksController(KeyRing keyRing) {
        this.keyRing = keyRing;
    }

    /** The keys published now: the next key appears here before it signs, a retired one is gone. */
    @Get(UserTokens.JWKS_PATH)
    @Produces(MediaType.APPLICATION_JSON)
    public HttpResponse<String> jwks() {
        return HttpResponse.ok(keyRing.publicJwksJson()).header("Cache-Control", "public, max-age=60");
    }
}
