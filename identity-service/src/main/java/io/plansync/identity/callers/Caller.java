package io.plansync.identity.callers;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.authentication.Authentication;
import io.plansync.contracts.Roles;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is calling, once their token has been verified: a user (with roles) or a trusted service (with scopes).
 * The access rules of the admin endpoints live here, apart from HTTP.
 */
public record Caller(Kind kind, String id, Set<String> roles, Set<String> scopes, Set<String> allowedScopes,
                     String jti) {

    public enum Kind { USER, SERVICE }

    static final String ATTR_KIND = "kind";
    static final String ATTR_SCOPES = "scopes";
    static final String ATTR_ALLOWED_SCOPES = "allowedScopes";
    static final String ATTR_JTI = "jti";

    public Authentication toAuthentication() {
        return Authentication.build(id, List.copyOf(roles), Map.of(
                ATTR_KIND, kind.name(),
                ATTR_SCOPES, List.copyOf(scopes),
                ATTR_ALLOWED_SCOPES, List.copyOf(allowedScopes),
                ATTR_JTI, jti));
    }

    public static @Nullable Caller from(@Nullable Authentication authentication) {
        if (authentication == null) {
            return null;
        }
        Map<String, Object> attributes = authentication.getAttributes();
        return new Caller(Kind.valueOf((String) attributes.get(ATTR_KIND)), authentication.getName(),
                Set.copyOf(authentication.getRoles()), strings(attributes.get(ATTR_SCOPES)),
                strings(attributes.get(ATTR_ALLOWED_SCOPES)), (String) attributes.get(ATTR_JTI));
    }

    public boolean isService() {
        return kind == Kind.SERVICE;
    }

    public boolean isAdmin() {
        return kind == Kind.USER && (roles.contains(Roles.ADMIN) || roles.contains(Roles.SUPER_ADMIN));
    }

    /**
     * Whether this caller may do what needs {@code scope} (for services) or an admin role (for users).
     */
    public Access access(String scope) {
        if (kind == Kind.USER) {
            return isAdmin() ? Access.GRANTED : Access.FORBIDDEN;
        }
        // A token asking for more than its client is allowed is refused outright, whatever it asks for.
        return allowedScopes.containsAll(scopes) && scopes.contains(scope) ? Access.GRANTED : Access.INSUFFICIENT_SCOPE;
    }

    public enum Access { GRANTED, FORBIDDEN, INSUFFICIENT_SCOPE }

    private static Set<String> strings(Object value) {
        if (value instanceof Collection<?> collection) {
            return Set.copyOf(collection.stream().map(String::valueOf).toList());
        }
        return Set.of();
    }
}
