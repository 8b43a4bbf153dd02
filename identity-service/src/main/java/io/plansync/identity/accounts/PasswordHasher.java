package io.plansync.identity.accounts;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import jakarta.inject.Singleton;

/** Argon2id password hashes (PHC string format), via password4j. */
@Singleton
public class PasswordHasher {
    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;

    private final Argon2Function argon2;
    /** Checked against when the email is unknown, so both failures cost the same time. */
    private final String decoyHash;

    public PasswordHasher(PasswordProperties properties) {
        this.argon2 = Argon2Function.getInstance(properties.memoryKib(), properties.iterations(),
                properties.parallelism(), 32, Argon2.ID);
        this.decoyHash = hash("decoy password that matches nothing");
    }

    public String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(argon2).getResult();
    }

    public boolean matches(String password, String hash) {
        return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
    }

    public void spendDecoyCheck(String password) {
        matches(password, decoyHash);
    }

    static boolean isStrongEnough(String password) {
        return password != null && password.length() >= MIN_LENGTH && password.length() <= MAX_LENGTH;
    }
}
