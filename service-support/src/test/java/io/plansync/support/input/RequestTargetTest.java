package io.plansync.support.input;

import io.plansync.support.problem.Problem;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RequestTargetTest {
    private static final InputLimits LIMITS = InputLimits.defaults();

    @Test
    void ordinary_targets_pass() {
        assertThat(check("/admin/outbox?state=dead&limit=50&cursor=aWQ6MQ", "/admin/outbox")).isEmpty();
        assertThat(check("/admin/users/0b7c6a1e-8f27-4d6c-9b0a-1d2e3f4a5b6c/plan", "/admin/users/{id}/plan")).isEmpty();
        assertThat(check("/a/%C3%A9t%C3%A9?q=a+b%20c&flag", null)).isEmpty();
        assertThat(check("/", null)).isEmpty();
    }

    @Test
    void a_bad_segment_is_named_after_the_route_variable_it_fills() {
        assertThat(check("/admin/users/%00/plan", "/admin/users/{id}/plan"))
                .contains(new Problem.FieldError("id", "must not contain control characters"));
        assertThat(check("/admin/users/a%zzb/plan", "/admin/users/{id:.+}/plan"))
                .contains(new Problem.FieldError("id", "must be percent-encoded UTF-8"));
        assertThat(check("/admin/%00/x", "/admin/users/{id}")).contains(
                new Problem.FieldError("path", "must not contain control characters"));
        assertThat(check("/unknown/%7f", null)).contains(
                new Problem.FieldError("path", "must not contain control characters"));
    }

    @Test
    void malformed_escapes_and_bytes_that_are_not_utf8_are_refused() {
        for (String segment : new String[]{"%", "%2", "%zz", "%ED%A0%80", "%C0%80", "%FF", "\u00e9"}) {
            assertThat(check("/x/" + segment, null)).as(segment)
                    .contains(new Problem.FieldError("path", "must be percent-encoded UTF-8"));
        }
        assertThat(check("/x?limit=%zz", null)).contains(new Problem.FieldError("limit", "must be percent-encoded UTF-8"));
        assertThat(check("/x?%zz=1", null)).contains(new Problem.FieldError("query", "must be percent-encoded UTF-8"));
    }

    @Test
    void a_bad_query_value_is_named_after_its_parameter() {
        assertThat(check("/admin/outbox?state=dead&cursor=a%00b", "/admin/outbox"))
                .contains(new Problem.FieldError("cursor", "must not contain control characters"));
        assertThat(check("/x?since=" + "9".repeat(2049), null))
                .contains(new Problem.FieldError("since", "must be at most 2048 characters"));
        assertThat(check("/x?since=" + "9".repeat(2048), null)).isEmpty();
        assertThat(check("/x?a%0d%0ab=1", null)).contains(
                new Problem.FieldError("query", "parameter names must not contain control characters"));
    }

    @Test
    void lengths_of_path_segment_and_query_are_bounded() {
        assertThat(check("/" + "a/".repeat(600), null))
                .contains(new Problem.FieldError("path", "must be at most 1024 characters"));
        assertThat(check("/x/" + "a".repeat(257), null))
                .contains(new Problem.FieldError("path", "must be at most 256 characters"));
        assertThat(check("/x?" + "a=b&".repeat(1100), null))
                .contains(new Problem.FieldError("query", "must be at most 4096 characters"));
    }

    @Test
    void an_absolute_form_target_is_checked_from_its_path() {
        assertThat(check("http://example.com/admin/users/%00", "/admin/users/{id}"))
                .contains(new Problem.FieldError("id", "must not contain control characters"));
        assertThat(check("http://example.com", null)).isEmpty();
    }

    private static Optional<Problem.FieldError> check(String target, String template) {
        return RequestTarget.check(target, template, LIMITS);
    }
}
