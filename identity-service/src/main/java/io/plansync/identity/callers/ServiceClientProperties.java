package io.plansync.identity.callers;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;
import java.util.List;

/**
 * identity.service-clients.NAME.*: a trusted service that may call identity-service with service tokens it signs
 * with keys published at {@code jwks-url}. Its key set is cached for {@code jwks-cache-ttl} (refreshed ahead of
 * that, and kept while the client is down); an unknown kid fetches it again at most twice per
 * {@code jwks-refresh-min-interval}.
 */
@EachProperty("identity.service-clients")
public record ServiceClientProperties(@Parameter String name,
                                      @NotBlank String clientId,
                                      @NotBlank String jwksUrl,
                                      @NotEmpty List<String> allowedScopes,
                                      @NotNull Duration jwksRefreshMinInterval,
                                      @NotNull Duration jwksCacheTtl) {
}
