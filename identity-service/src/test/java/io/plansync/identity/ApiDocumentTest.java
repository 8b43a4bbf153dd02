package io.plansync.identity;

import io.plansync.testing.ApiDocs;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's API tables and the OpenAPI document generated from the controllers (served at /openapi.yml) name the
 * same operations: an endpoint added, removed or moved in one only fails here.
 */
class ApiDocumentTest {
    /** README rows the generated document cannot have. */
    private static final Set<String> README_ONLY = Set.of(
            // Micronaut's metrics endpoint on the management port: an @Endpoint, not a controller, so not described.
            "GET /prometheus");

    @Test
    void the_readme_and_the_openapi_document_name_the_same_operations() {
        Set<String> inReadme = new TreeSet<>(ApiDocs.inReadme("identity-service"));
        inReadme.removeAll(README_ONLY);

        assertThat(ApiDocs.disagreement(ApiDocs.documented(), inReadme))
                .as("README.md (identity-service) and /openapi.yml disagree").isEmpty();
    }
}
