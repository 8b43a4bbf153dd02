package io.plansync.support.input;

import io.micronaut.core.annotation.Nullable;

/**
 * What any text from a client must be, wherever it arrives: no C0 control character (NUL to U+001F, so no tab or
 * newline either: no field of ours takes one) and no DEL, well-formed UTF-16 (a lone surrogate, which JSON can
 * smuggle in as {@code \ud800}, cannot be stored as UTF-8), and not too long. PostgreSQL refuses NUL in text, and
 * control characters forge log lines and confuse the next system that reads a value.
 */
public final class InputText {
    private InputText() {
    }

    /** @return null when the text is acceptable, else what is wrong with it (never the text itself) */
    public static @Nullable String problem(CharSequence text, int maxLength) {
        int length = text.length();
        if (length > maxLength) {
            return "must be at most " + maxLength + " characters";
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "must not contain control characters";
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return "must be valid Unicode text";
                }
            }
        }
        return null;
    }
}
