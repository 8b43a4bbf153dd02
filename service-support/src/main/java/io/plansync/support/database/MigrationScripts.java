package io.plansync.support.database;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The SQL migrations a build carries in one classpath folder, named as Flyway records them in its history's
 * {@code script} column (the path under the folder). Read from {@code <folder>.index}, which the db module's build
 * writes from the folder itself, so that a start whose schema is current neither loads Flyway nor lists the fat
 * jar's 45,000 entries to find that out.
 */
final class MigrationScripts {

    private MigrationScripts() {
    }

    /** @throws IllegalStateException when the classpath has no index for the folder */
    static Set<String> in(ClassLoader loader, String location) {
        String index = location + ".index";
        InputStream stream = loader.getResourceAsStream(index);
        if (stream == null) {
            throw new IllegalStateException("No migrations index at classpath:" + index
                    + " (the db module's build writes it for each of its folders)");
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            return lines.lines().map(String::strip).filter(line -> !line.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read classpath:" + index, e);
        }
    }
}
