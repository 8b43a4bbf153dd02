package io.plansync.cli.config;

import io.plansync.cli.CliFailure;
import io.plansync.cli.Exit;

import java.io.Console;

/**
 * Questions to the operator: on the terminal when there is one (a password is then not echoed), else one line of
 * standard input, so that scripts can pipe the answer in. Prompts go to stderr, never into the command's output.
 */
public final class Prompt {
    private final CliContext context;

    public Prompt(CliContext context) {
        this.context = context;
    }

    /** A secret, not echoed on a terminal. */
    public char[] secret(String prompt) {
        Console console = context.console();
        if (console != null) {
            char[] secret = console.readPassword("%s", prompt);
            if (secret == null) {
                throw new CliFailure(Exit.USAGE, "no password given");
            }
            return secret;
        }
        String line = context.readStdinLine();
        if (line == null) {
            throw new CliFailure(Exit.USAGE, "no password given (standard input is empty)");
        }
        return line.toCharArray();
    }

    /** A yes/no question whose default is no: true only for "y" or "yes". End of input is no. */
    public boolean confirm(String question) {
        Console console = context.console();
        String answer;
        if (console != null) {
            answer = console.readLine("%s [y/N] ", question);
        } else {
            context.err().print(question + " [y/N] ");
            context.err().flush();
            answer = context.readStdinLine();
        }
        if (answer == null) {
            return false;
        }
        String normalized = answer.trim().toLowerCase(java.util.Locale.ROOT);
        return normalized.equals("y") || normalized.equals("yes");
    }
}
