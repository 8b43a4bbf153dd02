package io.plansync.e2e;

import io.plansync.testing.SystemWiring;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * There is no Docker engine where CI runs, so docker-compose.yml is checked against the code instead: every
 * service, port, variable, health check and init script it names must match what the services really read.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    /** Read by Micronaut from the environment without a placeholder (datasources.default.*). */
    private static final Set<String> IMPLICIT = Set.of("DATASOURCES_DEFAULT_URL", "DATASOURCES_DEFAULT_USERNAME",
            "DATASOURCES_DEFAULT_PASSWORD");

    private final Map<String, Map<String, Object>> services = services();

    @Test
    void it_runs_postgres_stripe_mock_and_both_services() {
        assertThat(services).containsOnlyKeys("postgres", "stripe-mock", "identity-service", "payment-service");
        assertThat(services.get("stripe-mock").get("image")).asString().startsWith("stripe/stripe-mock");
    }

    @Test
    void each_service_publishes_the_port_its_code_listens_on() throws IOException {
        assertThat(ports("identity-service")).containsExactly("8081:8081");
        assertThat(defaultPort("identity-service", "IDENTITY_PORT")).isEqualTo("8081");
        assertThat(ports("payment-service")).containsExactly("8082:8082");
        assertThat(defaultPort("payment-service", "PAYMENT_PORT")).isEqualTo("8082");
    }

    @Test
    void every_variable_set_for_a_service_is_one_that_service_reads() throws IOException {
        for (String service : List.of("identity-service", "payment-service")) {
            Set<String> known = new HashSet<>(readVariables(service));
            known.addAll(IMPLICIT);
            assertThat(environment(service).keySet()).as(service).isSubsetOf(known);
        }
        assertThat(environment("payment-service"))
                .containsKeys("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "IDENTITY_URL");
    }

    /** The same wiring as plansync-local, the end-to-end tests and the benchmark: dev/wiring. */
    @Test
    void each_service_is_wired_as_dev_wiring_describes() {
        Map<String, String> compose = Map.of("identity.port", "8081", "payment.port", "8082",
                "identity.url", "http://identity-service:8081", "payment.url", "http://payment-service:8082");
        for (SystemWiring.Entry entry : SystemWiring.entries()) {
            Map<String, Object> environment = environment(entry.service() + "-service");
            assertThat(environment).as(entry.service() + "-service").containsKey(entry.variable());
            if (compose.keySet().containsAll(entry.names())) {
                assertThat(String.valueOf(environment.get(entry.variable()))).as(entry.variable())
                        .isEqualTo(entry.render(compose));
            }
        }
    }

    @Test
    void services_point_at_each_other_by_their_compose_names_and_ports() {
        assertThat(environment("payment-service").get("IDENTITY_URL")).isEqualTo("http://identity-service:8081");
        assertThat(environment("payment-service").get("STRIPE_API_BASE")).asString().contains("http://stripe-mock:12111");
        assertThat(environment("identity-service").get("IDENTITY_SERVICE_CLIENTS_PAYMENT_JWKS_URL"))
                .isEqualTo("http://payment-service:8082/.well-known/jwks.json");
    }

    @Test
    void each_service_stores_the_key_it_generates_encrypted_with_its_own_key_encryption_key() {
        // Compose configures no signing key and does not run in development: without a KEK neither would start.
        Set<String> keks = new HashSet<>();
        for (String service : List.of("identity-service", "payment-service")) {
            Map<String, Object> environment = environment(service);
            assertThat(environment).as(service).doesNotContainKeys("IDENTITY_TOKEN_SIGNING_KEY",
                    "PAYMENT_SERVICE_TOKEN_SIGNING_KEY", "MICRONAUT_ENVIRONMENTS");
            Matcher kek = Pattern.compile("\\$\\{[A-Z_]+:-([A-Za-z0-9+/=]+)}")
                    .matcher((String) environment.get("PLANSYNC_KEY_ENCRYPTION_KEY"));
            assertThat(kek.matches()).as(service + " PLANSYNC_KEY_ENCRYPTION_KEY").isTrue();
            assertThat(java.util.Base64.getDecoder().decode(kek.group(1))).as(service).hasSize(32);
            keks.add(kek.group(1));
        }
        assertThat(keks).as("one key-encryption key per service").hasSize(2);
    }

    @Test
    void the_init_script_creates_the_databases_the_services_use() throws IOException {
        String init;
        try (var files = Files.list(ROOT.resolve("db/init"))) {
            init = files.map(ComposeFileTest::read).reduce("", String::concat);
        }
        for (String service : List.of("identity-service", "payment-service")) {
            String url = (String) environment(service).get("DATASOURCES_DEFAULT_URL");
            String database = url.substring(url.lastIndexOf('/') + 1);
            assertThat(url).startsWith("jdbc:postgresql://postgres:5432/");
            assertThat(init).contains("create database " + database + ";");
        }
        assertThat(volumes("postgres")).contains("./db/init:/docker-entrypoint-initdb.d:ro");
    }

    @Test
    void each_service_logs_in_as_its_own_unprivileged_role_that_owns_only_its_database() throws IOException {
        String init = Files.readString(ROOT.resolve("db/init/01-create-databases.sql"))
                .toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
        Map<String, Object> postgres = environment("postgres");
        Set<String> roles = new HashSet<>();
        for (String service : List.of("identity-service", "payment-service")) {
            Map<String, Object> environment = environment(service);
            String url = (String) environment.get("DATASOURCES_DEFAULT_URL");
            String database = url.substring(url.lastIndexOf('/') + 1);
            String role = (String) environment.get("DATASOURCES_DEFAULT_USERNAME");
            assertThat(role).as(service).isEqualTo(database).isNotEqualTo(postgres.get("POSTGRES_USER"));
            roles.add(role);

            Matcher created = Pattern.compile("create role " + role + " ([a-z ]+) password :'([a-z_]+)';")
                    .matcher(init);
            assertThat(created.find()).as("create role " + role).isTrue();
            assertThat(created.group(1).split(" "))
                    .containsExactlyInAnyOrder("login", "nosuperuser", "nocreatedb", "nocreaterole");
            assertThat(init).contains("alter database " + database + " owner to " + role + ";")
                    .contains("revoke all on database " + database + " from public;");
            // The password the init script gives the role is the one the service logs in with.
            Matcher fromEnvironment = Pattern.compile("\\\\getenv " + created.group(2) + " ([a-z_]+)")
                    .matcher(init);
            assertThat(fromEnvironment.find()).as("\\getenv " + created.group(2)).isTrue();
            String variable = fromEnvironment.group(1).toUpperCase(java.util.Locale.ROOT);
            assertThat(postgres.get(variable)).as("postgres " + variable).isNotNull()
                    .isEqualTo(environment.get("DATASOURCES_DEFAULT_PASSWORD"));
        }
        assertThat(roles).hasSize(2);
    }

    @Test
    void services_have_health_checks_and_start_only_when_what_they_need_is_healthy() {
        for (String service : List.of("postgres", "identity-service", "payment-service")) {
            assertThat(services.get(service)).as(service).containsKey("healthcheck");
        }
        assertThat(dependsOn("identity-service")).containsEntry("postgres", "service_healthy");
        assertThat(dependsOn("payment-service")).containsEntry("postgres", "service_healthy")
                .containsEntry("identity-service", "service_healthy").containsKey("stripe-mock");
        assertThat(healthCheck("identity-service")).contains("/dev/tcp/127.0.0.1/8081").contains("/health");
        assertThat(healthCheck("payment-service")).contains("/dev/tcp/127.0.0.1/8082").contains("/health");
    }

    @Test
    void health_checks_ask_the_public_port_whether_the_service_is_ready() {
        // The public port answers /health/readiness with the status alone; details stay on the management port.
        assertThat(healthCheck("identity-service")).contains("GET /health/readiness");
        assertThat(healthCheck("payment-service")).contains("GET /health/readiness");
    }

    @Test
    void management_ports_stay_private() throws IOException {
        for (String service : List.of("identity-service", "payment-service")) {
            String prefix = service.startsWith("identity") ? "IDENTITY" : "PAYMENT";
            String config = applicationConfig(service);
            assertThat(config).as(service).contains("${" + prefix + "_MANAGEMENT_HOST:127.0.0.1}")
                    .contains("endpoints.all.port=${" + prefix + "_MANAGEMENT_PORT:");
            String managementPort = config.replaceFirst("(?s).*\\$\\{" + prefix + "_MANAGEMENT_PORT:(\\d+)}.*", "$1");
            assertThat(ports(service)).as(service).noneMatch(p -> p.contains(managementPort));
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) services.get(service).get("build");
            assertThat(read(ROOT.resolve((String) build.get("dockerfile")))).as(service)
                    .doesNotContain("EXPOSE " + managementPort).contains("GET /health/readiness");
        }
    }

    @Test
    void each_image_is_built_on_java_25_and_runs_as_a_non_root_user() {
        for (String service : List.of("identity-service", "payment-service")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) services.get(service).get("build");
            String dockerfile = read(ROOT.resolve((String) build.get("dockerfile")));
            assertThat(dockerfile).as(service).contains("FROM eclipse-temurin:25-jre").contains("USER 10001")
                    .contains("EXPOSE " + (service.startsWith("identity") ? "8081" : "8082"))
                    .contains("-pl " + service)
                    // The memory settings bench/RESULTS.md measured (peak resident memory under load).
                    .contains("ENV MALLOC_ARENA_MAX=2")
                    .contains("JAVA_TOOL_OPTIONS=\"-XX:+UseSerialGC -Xms64m -Xmx192m -XX:TrimNativeHeapInterval=5000\"");
        }
    }

    @Test
    void each_image_starts_with_the_aot_cache_its_build_trained_on_the_same_jvm_and_jar() {
        for (String service : List.of("identity-service", "payment-service")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) services.get(service).get("build");
            String dockerfile = read(ROOT.resolve((String) build.get("dockerfile")));
            String jar = "/app/" + service + ".jar";
            String cache = "/app/" + service + ".aot";
            // Training and the image both start from the runtime stage: a cache is only used by the JVM that made it.
            assertThat(dockerfile).as(service).contains("FROM eclipse-temurin:25-jre AS runtime")
                    .contains("FROM runtime AS train").contains("\nFROM runtime\n")
                    .contains("plansync-aot-train " + service.replace("-service", "") + " " + jar + " " + cache)
                    .contains("COPY --from=train " + cache + " " + cache)
                    .contains("ENTRYPOINT [\"java\", \"-XX:AOTCache=" + cache + "\", \"-jar\", \"" + jar + "\"]");
            assertThat(dockerfile.indexOf("ENV JAVA_TOOL_OPTIONS")).as(service + ": the JVM options before training")
                    .isLessThan(dockerfile.indexOf("FROM runtime AS train"));
        }
        assertThat(ROOT.resolve("ops/aot/train")).isExecutable();
    }

    // --- reading the files ---

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        Map<String, Object> compose = new Yaml().load(read(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> environment(String service) {
        return (Map<String, Object>) services.get(service).get("environment");
    }

    @SuppressWarnings("unchecked")
    private List<String> ports(String service) {
        return (List<String>) services.get(service).get("ports");
    }

    @SuppressWarnings("unchecked")
    private List<String> volumes(String service) {
        return (List<String>) services.get(service).get("volumes");
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> dependsOn(String service) {
        Map<String, Map<String, String>> dependencies =
                (Map<String, Map<String, String>>) services.get(service).get("depends_on");
        Map<String, String> conditions = new java.util.HashMap<>();
        dependencies.forEach((name, spec) -> conditions.put(name, spec.get("condition")));
        return conditions;
    }

    @SuppressWarnings("unchecked")
    private String healthCheck(String service) {
        return String.join(" ", (List<String>) ((Map<String, Object>) services.get(service).get("healthcheck")).get("test"));
    }

    private static Set<String> readVariables(String service) throws IOException {
        Set<String> variables = new HashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(applicationConfig(service));
        while (matcher.find()) {
            variables.add(matcher.group(1));
        }
        return variables;
    }

    private static String defaultPort(String service, String variable) throws IOException {
        Matcher matcher = Pattern.compile("\\$\\{" + variable + ":(\\d+)}").matcher(applicationConfig(service));
        assertThat(matcher.find()).as(variable + " in " + service).isTrue();
        return matcher.group(1);
    }

    private static String applicationConfig(String service) throws IOException {
        return Files.readString(ROOT.resolve(service).resolve("src/main/resources/application.properties"));
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
