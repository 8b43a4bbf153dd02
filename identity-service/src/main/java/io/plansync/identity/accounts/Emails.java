package io.plansync.identity.accounts;

import java.util.Locale;
import java.util.regex.Pattern;

/** Email rules: trimmed, lower-cased, one @, a dotted domain, at most 254 characters, no control characters. */
final class Emails {
    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private Emails() {
    }

    static String normalize(String email) {
        return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
    }

    static boolean isValid(String normalized) {
        // Length first: nothing longer is looked at further. Control characters (NUL above all, which PostgreSQL
        // text cannot hold) never name an account.
        return normalized.length() <= 254 && normalized.chars().noneMatch(Character::isISOControl)
                && SHAPE.matcher(normalized).matches();
    }
}
