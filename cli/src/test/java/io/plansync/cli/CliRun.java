package io.plansync.cli;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * plansync as an operator runs it, set up afresh for every test: a home folder of its own and an environment that
 * points at the stubbed payment-service, with the operator's token ({@link FakePaymentService#TOKEN}) unless the test
 * starts logged out. Held in a {@code @RegisterExtension} field; a test changes the environment or standard input for
 * the rule it checks, then runs the command.
 */
public final class CliRun implements BeforeEachCallback, AfterEachCallback {
    private final Supplier<String> paymentUrl;
    private final boolean loggedIn;
    private Path home;
    private CliRunner runner;

    private CliRun(Supplier<String> paymentUrl, boolean loggedIn) {
        this.paymentUrl = paymentUrl;
        this.loggedIn = loggedIn;
    }

    /** With the operator's token in PLANSYNC_TOKEN and payment-service at this address. */
    public static CliRun loggedIn(Supplier<String> paymentUrl) {
        return new CliRun(paymentUrl, true);
    }

    /** With no token anywhere yet, and payment-service at this address. */
    public static CliRun loggedOut(Supplier<String> paymentUrl) {
        return new CliRun(paymentUrl, false);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        home = Files.createTempDirectory("plansync-home-");
        runner = new CliRunner(home).env("PLANSYNC_PAYMENT_URL", paymentUrl.get());
        if (loggedIn) {
            runner.env("PLANSYNC_TOKEN", FakePaymentService.TOKEN);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(CliRun::delete);
        }
    }

    /** This test's home folder, where plansync keeps its configuration and token. */
    public Path home() {
        return home;
    }

    public CliRunner env(String name, String value) {
        return runner.env(name, value);
    }

    public CliRunner withoutEnv(String name) {
        return runner.withoutEnv(name);
    }

    public CliRunner stdin(String text) {
        return runner.stdin(text);
    }

    public CliRunner.Result run(String... args) {
        return runner.run(args);
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
