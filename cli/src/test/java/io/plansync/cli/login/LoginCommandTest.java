package io.plansync.cli.login;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.plansync.cli.CliRun;
import io.plansync.cli.FakePaymentService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.plansync.cli.FakePaymentService.TOKEN;
import static io.plansync.cli.FakePaymentService.ok;
import static io.plansync.cli.FakePaymentService.page;
import static io.plansync.cli.FakePaymentService.problem;
import static org.assertj.core.api.Assertions.assertThat;

class LoginCommandTest {
    @RegisterExtension
    static WireMockExtension server = FakePaymentService.onFreePort();

    @RegisterExtension
    final CliRun cli = CliRun.loggedOut(server::baseUrl);

    @BeforeEach
    void setUp() {
        server.stubFor(post("/auth/login")
                .withRequestBody(equalToJson("{\"email\":\"ops@example.com\",\"password\":\"correct horse battery\"}"))
                .willReturn(ok("{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":900,"
                        + "\"refresh_token\":\"refresh-secret\"}")));
    }

    @Test
    void stores_the_token_readable_by_the_user_only_and_never_prints_it() throws Exception {
        var result = cli.stdin("correct horse battery\n")
                .run("login", "--identity", server.baseUrl(), "--email", "ops@example.com");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Path tokenFile = cli.home().resolve(".config/plansync/token");
        assertThat(Files.readString(tokenFile).strip()).isEqualTo(TOKEN);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile.getParent())))
                .isEqualTo("rwx------");
        assertThat(result.out()).contains("Logged in as ops@example.com").contains(tokenFile.toString())
                .contains("15 minutes");
        assertThat(result.out() + result.err()).doesNotContain(TOKEN).doesNotContain("secret-operator-token")
                .doesNotContain("refresh-secret").doesNotContain("correct horse battery");
        assertThat(tokenFile.getParent().toFile().list()).containsExactly("token");
        server.verify(1, postRequestedFor(urlPathEqualTo("/auth/login"))
                .withHeader("Content-Type", equalTo("application/json")));
    }

    @Test
    void later_commands_send_the_stored_token() {
        cli.stdin("correct horse battery\n").run("login", "--identity", server.baseUrl(), "--email", "ops@example.com");
        server.stubFor(get(urlPathEqualTo("/admin/outbox")).willReturn(ok(page(java.util.List.of(), null))));

        var result = cli.run("outbox", "list");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(getRequestedFor(urlPathEqualTo("/admin/outbox"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    }

    @Test
    void the_token_file_can_be_chosen_and_a_new_login_replaces_the_old_token_keeping_600() throws Exception {
        Path tokenFile = cli.home().resolve("elsewhere/deeper/token");
        cli.env("PLANSYNC_TOKEN_FILE", tokenFile.toString());
        Files.createDirectories(tokenFile.getParent());
        Files.writeString(tokenFile, "old-token\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-r--r--"));

        var result = cli.stdin("correct horse battery\n")
                .run("login", "--identity", server.baseUrl() + "/", "--email", "ops@example.com");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(Files.readString(tokenFile).strip()).isEqualTo(TOKEN);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(Files.exists(cli.home().resolve(".config"))).isFalse();
    }

    @Test
    void the_identity_url_can_come_from_the_environment() {
        cli.env("PLANSYNC_IDENTITY_URL", server.baseUrl());

        var result = cli.stdin("correct horse battery\n").run("login", "--email", "ops@example.com");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        server.verify(1, postRequestedFor(urlPathEqualTo("/auth/login")));
    }

    @Test
    void a_wrong_password_is_refused_with_exit_2_and_stores_nothing() {
        server.stubFor(post("/auth/login")
                .withRequestBody(equalToJson("{\"email\":\"ops@example.com\",\"password\":\"wrong\"}"))
                .willReturn(problem(401, "AUTH_INVALID", "Unauthorized", "Email or password is wrong.")));

        var result = cli.stdin("wrong\n").run("login", "--identity", server.baseUrl(), "--email", "ops@example.com");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("error: Email or password is wrong. (AUTH_INVALID)\n");
        assertThat(result.out()).isEmpty();
        assertThat(Files.exists(cli.home().resolve(".config/plansync/token"))).isFalse();
    }

    @Test
    void no_password_on_standard_input_is_a_usage_error_and_sends_nothing() {
        var result = cli.stdin("").run("login", "--identity", server.baseUrl(), "--email", "ops@example.com");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).contains("no password given");
        server.verify(0, postRequestedFor(urlPathEqualTo("/auth/login")));
    }

    @Test
    void email_is_required() {
        var result = cli.stdin("x\n").run("login", "--identity", server.baseUrl());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("Missing required option: '--email=EMAIL'")
                .contains("Try 'plansync login --help'");
    }
}
