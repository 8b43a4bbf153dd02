package io.plansync.cli.config;

import io.plansync.cli.CliFailure;
import io.plansync.cli.Exit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where the operator's access token lives between commands: {@code PLANSYNC_TOKEN} if set, else a file only the
 * user can read ({@code PLANSYNC_TOKEN_FILE}, default {@code ~/.config/plansync/token}). The token is never printed.
 */
public final class TokenStore {
    public static final String TOKEN_VARIABLE = "PLANSYNC_TOKEN";
    public static final String TOKEN_FILE_VARIABLE = "PLANSYNC_TOKEN_FILE";
    public static final String NOT_LOGGED_IN = "not logged in: run plansync login or set PLANSYNC_TOKEN";

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private final CliContext context;

    public TokenStore(CliContext context) {
        this.context = context;
    }

    public Path file() {
        String configured = context.env(TOKEN_FILE_VARIABLE);
        return configured != null ? Path.of(configured)
                : context.home().resolve(".config").resolve("plansync").resolve("token");
    }

    /** True when PLANSYNC_TOKEN is set and so wins over the stored token. */
    public boolean overriddenByEnvironment() {
        return context.env(TOKEN_VARIABLE) != null;
    }

    /** The token to send: PLANSYNC_TOKEN, else the stored one; exit 2 when there is neither. */
    public String token() {
        String fromEnvironment = context.env(TOKEN_VARIABLE);
        if (fromEnvironment != null) {
            return fromEnvironment;
        }
        Path file = file();
        if (!Files.isRegularFile(file)) {
            throw new CliFailure(Exit.REFUSED, NOT_LOGGED_IN);
        }
        try {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (stored.isEmpty()) {
                throw new CliFailure(Exit.REFUSED, NOT_LOGGED_IN);
            }
            return stored;
        } catch (IOException e) {
            throw new CliFailure(Exit.REFUSED, NOT_LOGGED_IN + " (cannot read " + file + ": "
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Stores the token, replacing any earlier one, in a file readable and writable by the user only (600). */
    public Path save(String token) {
        Path file = file().toAbsolutePath();
        Path directory = file.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            if (!Files.isDirectory(directory)) {
                if (posix) {
                    Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
                } else {
                    Files.createDirectories(directory);
                }
            }
            // Written under a private name with 600 from its creation, then moved into place: the token is never
            // in a file anyone else could read, not even for a moment.
            FileAttribute<?>[] attributes = posix
                    ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
                    : new FileAttribute<?>[0];
            Path temporary = Files.createTempFile(directory, ".token-", ".tmp", attributes);
            try {
                Files.writeString(temporary, token + "\n", StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            if (posix) {
                Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
            }
            return file;
        } catch (IOException e) {
            throw new CliFailure(Exit.USAGE, "cannot store the token in " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }
}
