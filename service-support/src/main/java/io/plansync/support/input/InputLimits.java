package io.plansync.support.input;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * plansync.input.*: the longest text either service accepts anywhere a client writes it (a JSON string or member
 * name, a query parameter, a path). Well past every real value (the longest field, a password or refresh token,
 * is 256 characters), small enough that nothing longer reaches a parser, a log line or the database.
 *
 * @param maxValueLength   a JSON string or number, or a query parameter value (decoded)
 * @param maxNameLength    a JSON member name or a query parameter name (decoded)
 * @param maxDepth         nested JSON objects and arrays (our bodies nest three deep)
 * @param maxPathLength    the whole path, as sent (percent-encoded)
 * @param maxSegmentLength one path segment (decoded)
 * @param maxQueryLength   the whole query string, as sent (percent-encoded)
 */
@ConfigurationProperties("plansync.input")
public record InputLimits(@Bindable(defaultValue = "2048") int maxValueLength,
                          @Bindable(defaultValue = "256") int maxNameLength,
                          @Bindable(defaultValue = "32") int maxDepth,
                          @Bindable(defaultValue = "1024") int maxPathLength,
                          @Bindable(defaultValue = "256") int maxSegmentLength,
                          @Bindable(defaultValue = "4096") int maxQueryLength) {

    /** The defaults, for code and tests outside an application context. */
    public static InputLimits defaults() {
        return new InputLimits(2048, 256, 32, 1024, 256, 4096);
    }
}
