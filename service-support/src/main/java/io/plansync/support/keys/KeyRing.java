package io.plansync.support.keys;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A service's own signing keys: the current key signs, the other published keys (the next one before it signs, the
 * previous one during the overlap) verify. Configured keys never change; generated keys are replaced as they rotate
 * ({@link SigningKeyRotation}), so read the signing key for every token rather than keeping it.
 */
public final class KeyRing {
    /** What a verification found about the key a token names: current, previous (or pending), retired, unknown. */
    public static final String CURRENT = "current";
    public static final String PREVIOUS = "previous";
    public static final String RETIRED = "retired";
    public static final String UNKNOWN = "unknown";

    private record Snapshot(ECKey current, JWKSet publicKeys, String json, Set<String> retired) {
    }

    private final boolean rotates;
    /** Configured previous keys beside generated ones: published whatever the rotation does. */
    private final List<ECKey> pinned;
    private volatile Snapshot snapshot;
    private volatile BiConsumer<String, String> onVerification = (kid, role) -> { };

    /** A fixed ring: {@code current} signs, {@code previous} stay published. */
    public KeyRing(ECKey current, List<ECKey> previous) {
        this(current, previous, Set.of(), false, List.of());
    }

    KeyRing(ECKey current, List<ECKey> published, Set<String> retired, boolean rotates, List<ECKey> pinned) {
        this.rotates = rotates;
        this.pinned = List.copyOf(pinned);
        replace(current, published, retired);
    }

    List<ECKey> pinned() {
        return pinned;
    }

    /** Whether its keys are generated and rotate themselves (not configured). */
    public boolean rotates() {
        return rotates;
    }

    /** From now on {@code current} signs and {@code published} (with it) verify; {@code retired} kids are refused. */
    void replace(ECKey current, List<ECKey> published, Set<String> retired) {
        List<JWK> all = new ArrayList<>();
        all.add(current.toPublicJWK());
        published.stream()
                .filter(k -> !k.getKeyID().equals(current.getKeyID()))
                .map(ECKey::toPublicJWK)
                .forEach(all::add);
        JWKSet keys = new JWKSet(all);
        this.snapshot = new Snapshot(current, keys, keys.toString(true), Set.copyOf(retired));
    }

    /** Takes on {@code other}'s keys (a reload); listeners stay. */
    void adopt(KeyRing other) {
        this.snapshot = other.snapshot;
    }

    public ECKey signingKey() {
        return snapshot.current();
    }

    public JWKSet publicKeys() {
        return snapshot.publicKeys();
    }

    /** The published keys as a JSON JWK Set document. */
    public String publicJwksJson() {
        return snapshot.json();
    }

    /** Told, for every token checked against this ring, the kid it names and what that key is (for metrics). */
    public void onVerification(BiConsumer<String, String> listener) {
        this.onVerification = listener;
    }

    /** The published keys as they are at each verification (a rotation takes effect at once). */
    public JWKSource<SecurityContext> verificationKeys() {
        return (selector, context) -> {
            Snapshot now = snapshot;
            Set<String> kids = selector.getMatcher().getKeyIDs();
            String kid = kids == null || kids.isEmpty() ? null : kids.iterator().next();
            if (kid != null) {
                String role = kid.equals(now.current().getKeyID()) ? CURRENT
                        : now.publicKeys().getKeyByKeyId(kid) != null ? PREVIOUS
                        : now.retired().contains(kid) ? RETIRED : UNKNOWN;
                onVerification.accept(kid, role);
            }
            return selector.select(now.publicKeys());
        };
    }
}
