package io.plansync.cli.config;

import java.io.BufferedReader;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a command takes from the world outside: environment variables, standard input, the terminal (if
 * there is one), output streams and the home directory. Commands read only this, never System.getenv or System.in
 * directly, so tests run them in-process with whatever they like.
 */
public final class CliContext {
    private final Map<String, String> env;
    private final InputStream in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Console console;
    private final Path home;
    private BufferedReader stdinLines;

    /**
     * @param console the interactive terminal, or null when there is none (input then comes from {@code in})
     */
    public CliContext(Map<String, String> env, InputStream in, PrintWriter out, PrintWriter err, Console console,
                      Path home) {
        this.env = Map.copyOf(env);
        this.in = Objects.requireNonNull(in);
        this.out = Objects.requireNonNull(out);
        this.err = Objects.requireNonNull(err);
        this.console = console;
        this.home = Objects.requireNonNull(home);
    }

    /** The real process: its environment, stdin, stdout, stderr and terminal. */
    public static CliContext system() {
        Console console = System.console();
        Charset charset = stdoutCharset();
        return new CliContext(System.getenv(), System.in,
                new PrintWriter(new PrintStream(new FileOutputStream(FileDescriptor.out), true, charset), true),
                new PrintWriter(new PrintStream(new FileOutputStream(FileDescriptor.err), true, charset), true),
                console != null && console.isTerminal() ? console : null,
                Path.of(System.getProperty("user.home")));
    }

    private static Charset stdoutCharset() {
        String name = System.getProperty("stdout.encoding");
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** An environment variable, or null when it is unset or blank. */
    public String env(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    /** The interactive terminal, or null when input is piped or scripted. */
    public Console console() {
        return console;
    }

    public Path home() {
        return home;
    }

    /** Reads one line of standard input, without the line break; null at end of input. */
    public synchronized String readStdinLine() {
        try {
            if (stdinLines == null) {
                stdinLines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
            return stdinLines.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
