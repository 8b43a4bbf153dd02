package io.plansync.identity.accounts;

import java.util.Locale;
import java.util.regex.Pattern;

/** Email rules: trimmed, lower-cased, one @, a dotted domain, at most 254 characters. */
final class Emails {
    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private Emails() {
    }

    static String normalize(String email) {
        return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
    }

    static boolean isValid(String normalized) {
        return normalized.length() <= 254 && SHAPE.matcher(normalized).matches();
    }
}
