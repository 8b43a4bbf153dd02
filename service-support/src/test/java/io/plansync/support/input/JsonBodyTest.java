package io.plansync.support.input;

import io.plansync.support.problem.Problem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class JsonBodyTest {
    private static final InputLimits LIMITS = InputLimits.defaults();

    @Test
    void an_ordinary_body_passes() {
        assertThat(check("""
                {"changes":[{"userId":"0b7c6a1e-8f27-4d6c-9b0a-1d2e3f4a5b6c","plan":"pro","status":"active",
                 "updatedBy":"payment-service","timestamp":"2026-01-01T00:00:00Z","eventId":"evt_1","n":1.5,
                 "ok":true,"none":null,"emoji":"\\ud83d\\ude00 ß"}]}""")).isEmpty();
        assertThat(check("")).isEmpty();
    }

    @Test
    void a_control_character_in_a_value_is_refused_naming_its_member() {
        assertThat(check("{\"email\":\"a\\u0000b\"}"))
                .contains(new Problem.FieldError("email", "must not contain control characters"));
        assertThat(check("{\"changes\":[{\"plan\":\"pro\"},{\"updatedBy\":\"x\\ny\"}]}"))
                .contains(new Problem.FieldError("changes[1].updatedBy", "must not contain control characters"));
        assertThat(check("[\"ok\",[\"\\u007f\"]]"))
                .contains(new Problem.FieldError("[1][0]", "must not contain control characters"));
        assertThat(check("\"\\t\"")).contains(new Problem.FieldError("body", "must not contain control characters"));
    }

    @Test
    void a_lone_surrogate_escape_is_refused() {
        assertThat(check("{\"password\":\"abc\\ud800def\"}"))
                .contains(new Problem.FieldError("password", "must be valid Unicode text"));
    }

    @Test
    void values_and_numbers_over_the_limit_are_refused() {
        assertThat(check("{\"email\":\"" + "x".repeat(2048) + "\"}")).isEmpty();
        assertThat(check("{\"email\":\"" + "x".repeat(2049) + "\"}"))
                .contains(new Problem.FieldError("email", "must be at most 2048 characters"));
        assertThat(check("{\"limit\":" + "9".repeat(900) + "}")).isEmpty();
        assertThat(check("{\"limit\":" + "9".repeat(5000) + "}")).hasValueSatisfying(e ->
                assertThat(e.field()).isIn("limit", "body"));
    }

    @Test
    void a_member_twice_in_one_object_is_refused() {
        assertThat(check("{\"planType\":\"free\",\"planType\":\"pro\"}"))
                .contains(new Problem.FieldError("planType", "must appear only once"));
        assertThat(check("[{\"a\":1},{\"a\":2}]")).as("the same name in two objects").isEmpty();
    }

    @Test
    void a_bad_member_name_is_refused_naming_its_object() {
        assertThat(check("{\"a\":{\"b\\u0000\":1}}"))
                .contains(new Problem.FieldError("a", "member names must not contain control characters"));
        assertThat(check("{\"" + "k".repeat(257) + "\":1}"))
                .contains(new Problem.FieldError("body", "member names must be at most 256 characters"));
    }

    @Test
    void nesting_is_bounded() {
        assertThat(check("[".repeat(32) + "]".repeat(32))).isEmpty();
        assertThat(check("[".repeat(33) + "]".repeat(33)))
                .contains(new Problem.FieldError("[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
                        + "[0][0][0][0][0][0][0][0][0][0][0]", "must not nest deeper than 32 levels"));
        assertThat(check("[".repeat(100_000))).isPresent();
    }

    @Test
    void a_body_that_is_not_json_is_left_to_the_route() {
        assertThat(check("{")).isEmpty();
        assertThat(check("not json")).isEmpty();
        assertThat(check("{\"a\":\"raw \u0000 in a string is a syntax error\"}")).isEmpty();
        assertThat(JsonBody.check(new byte[]{'"', (byte) 0xff, '"'}, LIMITS)).isEmpty();
    }

    @Test
    void a_second_document_after_the_first_is_checked_too() {
        assertThat(check("{} {\"a\":\"\\u0000\"}")).contains(new Problem.FieldError("a",
                "must not contain control characters"));
    }

    private static Optional<Problem.FieldError> check(String json) {
        return JsonBody.check(json.getBytes(StandardCharsets.UTF_8), LIMITS);
    }
}
