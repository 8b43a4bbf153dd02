package io.plansync.support.input;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InputTextTest {

    @Test
    void ordinary_text_in_any_script_is_accepted_up_to_the_limit() {
        assertThat(InputText.problem("", 10)).isNull();
        assertThat(InputText.problem("ß∂ƒ© 漢字 \u202e", 20)).isNull();
        assertThat(InputText.problem("\ud83d\ude00", 2)).as("a surrogate pair").isNull();
        assertThat(InputText.problem("x".repeat(10), 10)).isNull();
    }

    @Test
    void every_c0_control_character_and_del_is_refused() {
        for (char c = 0; c < 0x20; c++) {
            assertThat(InputText.problem("a" + c + "b", 10)).as("U+%04X", (int) c)
                    .isEqualTo("must not contain control characters");
        }
        assertThat(InputText.problem("\u007f", 10)).isEqualTo("must not contain control characters");
    }

    @Test
    void lone_or_reversed_surrogates_are_refused() {
        assertThat(InputText.problem("\ud800", 10)).isEqualTo("must be valid Unicode text");
        assertThat(InputText.problem("a\udc00b", 10)).isEqualTo("must be valid Unicode text");
        assertThat(InputText.problem("\ude00\ud83d", 10)).isEqualTo("must be valid Unicode text");
        assertThat(InputText.problem("x\ud83d", 10)).as("high surrogate at the end").isNotNull();
    }

    @Test
    void text_over_the_limit_is_refused_before_it_is_scanned() {
        assertThat(InputText.problem("x".repeat(11), 10)).isEqualTo("must be at most 10 characters");
    }
}
