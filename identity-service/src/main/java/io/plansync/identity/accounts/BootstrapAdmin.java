package io.plansync.identity.accounts;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.plansync.contracts.Roles;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * On start, makes sure the configured admin exists and holds the admin role. It never takes over an account
 * someone else registered: an existing account without the admin role, or whose password is not the configured one,
 * stops the start with the reason, unless {@code reset-password} says to set the configured password (a development
 * run that lost its password file does that).
 */
@Singleton
public class BootstrapAdmin implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapAdmin.class);
    /** Created with both roles in one insert, so a replica starting at the same moment never sees it half made. */
    static final String ROLES = Roles.USER + " " + Roles.ADMIN;

    private final Settings settings;
    private final UserRepository users;
    private final PasswordHasher passwords;

    public BootstrapAdmin(Settings settings, UserRepository users, PasswordHasher passwords) {
        this.settings = settings;
        this.users = users;
        this.passwords = passwords;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        if (settings.email() == null || settings.email().isBlank()) {
            return;
        }
        String email = Emails.normalize(settings.email());
        boolean hasPassword = settings.password() != null && !settings.password().isBlank();
        User user = users.findByEmail(email).orElse(null);
        if (user == null) {
            if (!hasPassword) {
                throw new IllegalStateException(
                        "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD must be set to create the bootstrap admin");
            }
            if (!Emails.isValid(email) || !PasswordHasher.isStrongEnough(settings.password())) {
                throw new IllegalStateException("bootstrap admin: IDENTITY_BOOTSTRAP_ADMIN_EMAIL must be a valid "
                        + "address and IDENTITY_BOOTSTRAP_ADMIN_PASSWORD " + PasswordHasher.MIN_LENGTH + " to "
                        + PasswordHasher.MAX_LENGTH + " characters");
            }
            if (users.insertIfEmailFree(UUID.randomUUID(), email, passwords.hash(settings.password()), ROLES) == 1) {
                LOG.info("Bootstrap admin {} created", email);
                return;
            }
            // A replica starting at the same moment created it: check it like any existing account.
            user = users.findByEmail(email).orElseThrow();
        }
        if (!user.roleList().contains(Roles.ADMIN)) {
            throw new IllegalStateException("bootstrap admin: the account " + email + " exists without the admin "
                    + "role (someone registered it); refusing to promote it. Grant the role deliberately, or set "
                    + "IDENTITY_BOOTSTRAP_ADMIN_EMAIL to another address");
        }
        if (hasPassword && !passwords.matches(settings.password(), user.passwordHash())) {
            if (!settings.resetPassword()) {
                throw new IllegalStateException("bootstrap admin: IDENTITY_BOOTSTRAP_ADMIN_PASSWORD is not the "
                        + "password of the existing admin " + email + ". Configure its current password, or set "
                        + "IDENTITY_BOOTSTRAP_ADMIN_RESET_PASSWORD=true to make the configured one its password");
            }
            if (!PasswordHasher.isStrongEnough(settings.password())) {
                throw new IllegalStateException("bootstrap admin: IDENTITY_BOOTSTRAP_ADMIN_PASSWORD must be "
                        + PasswordHasher.MIN_LENGTH + " to " + PasswordHasher.MAX_LENGTH + " characters");
            }
            users.updatePasswordHash(user.id(), passwords.hash(settings.password()));
            LOG.warn("Bootstrap admin {}: password reset to the configured one (IDENTITY_BOOTSTRAP_ADMIN_RESET_PASSWORD)",
                    email);
        }
    }

    /**
     * @param resetPassword make the configured password the existing admin's (for a development run that lost it);
     *                      never promotes an account without the admin role
     */
    @ConfigurationProperties("identity.bootstrap-admin")
    public record Settings(@Nullable String email, @Nullable String password, boolean resetPassword) {
        @Override
        public String toString() {
            return "Settings[email=" + email + ", password=***, resetPassword=" + resetPassword + "]";
        }
    }
}
