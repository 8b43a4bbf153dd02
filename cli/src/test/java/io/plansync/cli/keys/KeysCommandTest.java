package io.plansync.cli.keys;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.plansync.cli.CliRun;
import io.plansync.cli.FakePaymentService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.plansync.cli.FakePaymentService.TOKEN;
import static io.plansync.cli.FakePaymentService.ok;
import static io.plansync.cli.FakePaymentService.problem;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code plansync keys}: to the service named, with the operator's token; exit codes as for every command. */
class KeysCommandTest {
    private static final String KEYS = "[{\"kid\":\"new-kid\",\"state\":\"current\",\"publishAt\":\"2026-12-02T10:00:00Z\","
            + "\"activateAt\":\"2026-12-02T10:00:00Z\",\"retireAt\":null},{\"kid\":\"old-kid\",\"state\":\"retired\","
            + "\"publishAt\":\"2026-11-01T10:00:00Z\",\"activateAt\":\"2026-11-01T10:00:00Z\","
            + "\"retireAt\":\"2026-12-02T10:00:00Z\"}]";

    @RegisterExtension
    static WireMockExtension identity = FakePaymentService.onFreePort();

    @RegisterExtension
    static WireMockExtension payment = FakePaymentService.onFreePort();

    @RegisterExtension
    final CliRun cli = CliRun.loggedIn(payment::baseUrl);

    @BeforeEach
    void setUp() {
        identity.stubFor(get(urlPathEqualTo("/admin/signing-keys")).willReturn(ok(KEYS)));
        identity.stubFor(post(urlPathEqualTo("/admin/signing-keys/rotate")).willReturn(ok(KEYS)));
        payment.stubFor(post(urlPathEqualTo("/admin/signing-keys/rotate")).willReturn(problem(409, "CONFLICT",
                "Rotation under way", "A next key is already published and will sign soon; use --now to replace "
                        + "every key now.")));
    }

    @Test
    void list_asks_the_service_named_and_shows_each_keys_state() {
        var result = cli.run("keys", "list", "--service", "identity", "--identity", identity.baseUrl());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        identity.verify(1, getRequestedFor(urlPathEqualTo("/admin/signing-keys"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        assertThat(result.out()).contains("KID").contains("new-kid").contains("current").contains("old-kid")
                .contains("retired");
        payment.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void rotate_now_retires_every_other_key_at_once() {
        var result = cli.run("keys", "rotate", "--service", "identity", "--now", "--identity", identity.baseUrl());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        identity.verify(1, postRequestedFor(urlPathEqualTo("/admin/signing-keys/rotate"))
                .withQueryParam("now", equalTo("true")));
        assertThat(result.out()).startsWith("Rotated identity-service's signing key now");
    }

    @Test
    void a_scheduled_rotation_sends_no_now_and_a_refusal_is_exit_2() {
        var result = cli.run("keys", "rotate", "--service", "payment");

        assertThat(result.exitCode()).isEqualTo(2);
        payment.verify(1, postRequestedFor(urlPathEqualTo("/admin/signing-keys/rotate"))
                .withQueryParam("now", absent()));
        assertThat(result.err()).contains("(CONFLICT)");
    }

    @Test
    void an_unknown_service_is_exit_1() {
        var result = cli.run("keys", "list", "--service", "billing");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("--service must be identity or payment");
    }
}
