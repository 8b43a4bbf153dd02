package io.plansync.support.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.util.Map;

/**
 * The services' logging, set up in code: one console appender, the level from {@code LOG_LEVEL} (default INFO),
 * chatty libraries at WARN. Logback finds it through {@code META-INF/services} before its XML configurators, so a
 * start never loads Joran and the JDK's XML parser for a configuration this small (about 350 classes and tens of
 * milliseconds). A {@code logback.configurationFile} system property, a {@code logback-test.xml} (the tests') or a
 * {@code logback.xml} on the classpath still wins: this then steps aside for Logback's usual lookup.
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {

    /** Every line carries the request's correlation id (io.plansync.support.correlation), "-" outside a request. */
    static final String PATTERN = "%d{ISO8601} %-5level [%thread] %logger{36} [%X{correlationId:--}] - %msg%n";

    private static final Map<String, Level> QUIETER = Map.of("com.zaxxer.hikari", Level.WARN, "org.flywaydb",
            Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null || onClasspath("logback-test.xml")
                || onClasspath("logback.xml")) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(setting("LOG_LEVEL"), Level.INFO));
        root.addAppender(console);
        QUIETER.forEach((logger, level) -> context.getLogger(logger).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** As Logback's ${LOG_LEVEL} would read it: a system property, else the environment. */
    private static String setting(String name) {
        String property = System.getProperty(name);
        return property != null ? property : System.getenv(name);
    }

    private static boolean onClasspath(String resource) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return (loader != null ? loader : ConsoleLogging.class.getClassLoader()).getResource(resource) != null;
    }
}
