package io.plansync.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One of the PlanSync services started as a separate JVM process: from its jar, the way it runs in production, or
 * from the test's classpath ({@link #fromTestClasspath}) for what one JVM cannot show about itself (a small heap).
 * Its output goes to a log file under the module's target/ folder. Each process gets a free management port
 * (health details, metrics) of its own, so replicas and parallel runs never compete for the default one.
 */
public final class ServiceProcess implements AutoCloseable {
    /** The variable each service reads its management port from (its application.properties). */
    private static final Map<String, String> MANAGEMENT_PORT_VARIABLES = Map.of(
            "identity-service", "IDENTITY_MANAGEMENT_PORT",
            "payment-service", "PAYMENT_MANAGEMENT_PORT");

    private final String name;
    /** What follows the JVM options: {@code -jar <jar>}, or {@code -cp <classpath> <main class>}. */
    private final List<String> launch;
    private final Map<String, String> environment;
    private final int port;
    private final int managementPort;
    private final Path log;
    private List<String> jvmOptions = List.of("-XX:TieredStopAtLevel=1", "-Xmx256m");
    private Process process;

    private ServiceProcess(String name, List<String> launch, int port, Map<String, String> environment) {
        this.name = name;
        this.launch = List.copyOf(launch);
        this.port = port;
        String managementVariable = MANAGEMENT_PORT_VARIABLES.get(name);
        Map<String, String> settings = new HashMap<>(environment);
        if (managementVariable != null) {
            settings.putIfAbsent(managementVariable, Integer.toString(freePort()));
            this.managementPort = Integer.parseInt(settings.get(managementVariable));
        } else {
            this.managementPort = -1;
        }
        this.environment = Map.copyOf(settings);
        this.log = Path.of("target", name + "-" + port + ".log").toAbsolutePath();
    }

    /**
     * @param module      e.g. "identity-service"; its shaded jar must be built (the Maven reactor builds it first)
     * @param port        from {@link #freePort()}
     * @param environment the service's settings, as environment variables (a management port is added if unset)
     */
    public static ServiceProcess of(String module, int port, Map<String, String> environment) {
        return new ServiceProcess(module, List.of("-jar", findJar(module).toString()), port, environment);
    }

    /**
     * The service run from the test JVM's classpath (its module's own test run), with its settings as environment
     * variables; further settings as {@code -D} options through {@link #withJvmOptions}.
     */
    public static ServiceProcess fromTestClasspath(String module, String mainClass, int port,
                                                   Map<String, String> environment) {
        return new ServiceProcess(module, List.of("-cp", testClasspath(), mainClass), port, environment);
    }

    /** The test JVM's classpath: Surefire names it in a property when it runs from a manifest-only jar. */
    private static String testClasspath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire
                : System.getProperty("java.class.path").replace(File.pathSeparator + File.pathSeparator,
                File.pathSeparator);
    }

    /** JVM options; the default favours a fast start (tests), a benchmark wants the full JIT. */
    public ServiceProcess withJvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
        return this;
    }

    public ServiceProcess start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(launch);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        // A safety net: a test whose clean-up never runs (its context failed to start, say) must not leave the
        // service running after the test JVM is gone.
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, name + "-reaper"));
        awaitHealthy(Duration.ofSeconds(60));
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Health details, /health/outbox and /prometheus: served on the management port only, bound to loopback. */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** A graceful stop (SIGTERM). */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    /**
     * SIGTERM, then waits at most {@code timeout} for the process to exit (a graceful shutdown).
     *
     * @return whether it exited in time; if not, it is still running
     */
    public boolean stopWithin(Duration timeout) {
        if (process == null || !process.isAlive()) {
            return true;
        }
        process.destroy();
        try {
            return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** kill -9: no shutdown hooks, no goodbyes. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitFor();
        }
    }

    @Override
    public void close() {
        kill();
    }

    public Path log() {
        return log;
    }

    /** What the process printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void waitFor() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create(url() + "/health/liveness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        kill();
        throw new IllegalStateException(name + " did not become healthy within " + timeout + "; see " + log);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path findJar(String module) {
        for (Path base : List.of(Path.of(".."), Path.of("."), Path.of("../.."))) {
            Path target = base.resolve(module).resolve("target");
            if (Files.isDirectory(target)) {
                try (Stream<Path> files = Files.list(target)) {
                    var jar = files.filter(p -> p.getFileName().toString().matches(module + "-[0-9].*\\.jar"))
                            .filter(p -> !p.getFileName().toString().startsWith("original-"))
                            .findFirst();
                    if (jar.isPresent()) {
                        return jar.get().toAbsolutePath();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("no built jar for " + module + " (run ./mvnw package first)"
                + File.separator);
    }
}
