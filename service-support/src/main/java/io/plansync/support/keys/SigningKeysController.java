package io.plansync.support.keys;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.plansync.contracts.Roles;

import java.util.List;

/**
 * The service's own signing keys for administrators (the CLI's {@code plansync keys}): each key's state and times,
 * and a rotation now, scheduled or immediate (a leaked key).
 */
@Controller("/admin/signing-keys")
@Requires(beans = SigningKeyRotation.class)
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured({Roles.ADMIN, Roles.SUPER_ADMIN})
public class SigningKeysController {
    private final SigningKeyRotation rotation;

    public SigningKeysController(SigningKeyRotation rotation) {
        this.rotation = rotation;
    }

    @Get
    public List<SigningKeyRotation.KeyView> list() {
        return rotation.list();
    }

    /** {@code now=true}: the new key signs at once and every other key is retired at once. */
    @Post("/rotate")
    public List<SigningKeyRotation.KeyView> rotate(Authentication admin, @Nullable @QueryValue Boolean now) {
        return rotation.rotate(Boolean.TRUE.equals(now), admin.getName());
    }
}
