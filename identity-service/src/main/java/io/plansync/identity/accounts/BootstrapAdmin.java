package io.plansync.identity.accounts;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import io.plansync.contracts.Roles;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * On start, makes sure the configured admin exists and holds the admin role. Idempotent: an existing account keeps
 * its password and only gains the role.
 */
@Singleton
public class BootstrapAdmin implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final Settings settings;
    private final UserRepository users;
    private final RegisterUser registerUser;

    public BootstrapAdmin(Settings settings, UserRepository users, RegisterUser registerUser) {
        this.settings = settings;
        this.users = users;
        this.registerUser = registerUser;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        if (settings.email() == null || settings.email().isBlank()) {
            return;
        }
        String email = Emails.normalize(settings.email());
        User user = users.findByEmail(email).orElse(null);
        if (user == null) {
            if (settings.password() == null || settings.password().isBlank()) {
                throw new IllegalStateException(
                        "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD must be set to create the bootstrap admin");
            }
            try {
                user = registerUser.register(email, settings.password());
            } catch (io.plansync.support.problem.ProblemException e) {
                // A replica starting at the same moment may have just created it.
                user = users.findByEmail(email).orElseThrow(() -> new IllegalStateException(
                        "bootstrap admin: " + e.getMessage() + " (password must be at least "
                                + PasswordHasher.MIN_LENGTH + " characters)"));
            }
        }
        Set<String> roles = new LinkedHashSet<>(user.roleList());
        if (roles.add(Roles.ADMIN)) {
            users.updateRoles(user.id(), String.join(" ", roles));
            LOG.info("Bootstrap admin {} now holds the admin role", email);
        }
    }

    @ConfigurationProperties("identity.bootstrap-admin")
    public record Settings(@Nullable String email, @Nullable String password) {
        @Override
        public String toString() {
            return "Settings[email=" + email + ", password=***]";
        }
    }
}
