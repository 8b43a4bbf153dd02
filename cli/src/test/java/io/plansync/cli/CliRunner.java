package io.plansync.cli;

import io.plansync.cli.config.CliContext;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs plansync in-process with a chosen environment, standard input and home, capturing both outputs. */
public final class CliRunner {
    private final Map<String, String> env = new HashMap<>();
    private final Path home;
    private String stdin = "";

    public CliRunner(Path home) {
        this.home = home;
    }

    public CliRunner env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public CliRunner withoutEnv(String name) {
        env.remove(name);
        return this;
    }

    /** What standard input holds for the next runs (there is never a terminal). */
    public CliRunner stdin(String text) {
        this.stdin = text;
        return this;
    }

    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true), null, home);
        int exitCode = PlanSyncCli.commandLine(context).execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }
}
