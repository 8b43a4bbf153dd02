package io.plansync.support.openapi;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The service's OpenAPI document at /openapi.yml. micronaut-openapi writes it from the controllers when the service
 * is compiled (its application class names the ones from this module), so it describes the code as built.
 */
@Controller
@Requires(resources = "classpath:" + OpenApiController.DOCUMENT)
@Secured(SecurityRule.IS_ANONYMOUS)
public class OpenApiController {
    public static final String DOCUMENT = "META-INF/swagger/openapi.yml";

    private final byte[] document;

    public OpenApiController() {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get("/openapi.yml")
    @Produces("application/yaml")
    public byte[] document() {
        return document;
    }
}
