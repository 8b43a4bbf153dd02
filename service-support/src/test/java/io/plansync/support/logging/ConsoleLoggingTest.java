package io.plansync.support.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The services log to the console in one format at LOG_LEVEL, unless an XML configuration is there to win. */
class ConsoleLoggingTest {

    @AfterEach
    void clear() {
        System.clearProperty("LOG_LEVEL");
    }

    @Test
    void without_an_xml_configuration_it_sets_up_the_console_and_stops_logbacks_lookup() {
        LoggerContext context = new LoggerContext();

        assertThat(new ConsoleLogging().configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<?> console = (ConsoleAppender<?>) root.getAppender("STDOUT");
        assertThat(console.isStarted()).isTrue();
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern()).contains("%X{correlationId:--}");
        assertThat(context.getLogger("com.zaxxer.hikari.pool.HikariPool").getEffectiveLevel())
                .isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.plansync.payment").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void log_level_sets_the_root_level() {
        System.setProperty("LOG_LEVEL", "WARN");
        LoggerContext context = new LoggerContext();

        new ConsoleLogging().configure(context);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void an_xml_configuration_on_the_classpath_wins(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("logback.xml"), "<configuration/>");
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader withXml = new URLClassLoader(new URL[] {folder.toUri().toURL()}, null)) {
            thread.setContextClassLoader(withXml);
            LoggerContext context = new LoggerContext();

            assertThat(new ConsoleLogging().configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
