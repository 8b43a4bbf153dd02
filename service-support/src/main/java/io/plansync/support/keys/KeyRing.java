package io.plansync.support.keys;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import java.util.ArrayList;
import java.util.List;

/**
 * A service's own signing keys: the current key signs, earlier keys stay published so tokens they signed still
 * verify during a rotation overlap.
 */
public final class KeyRing {
    private final ECKey current;
    private final JWKSet publicKeys;

    public KeyRing(ECKey current, List<ECKey> previous) {
        this.current = current;
        List<com.nimbusds.jose.jwk.JWK> all = new ArrayList<>();
        all.add(current.toPublicJWK());
        previous.stream()
                .filter(k -> !k.getKeyID().equals(current.getKeyID()))
                .map(ECKey::toPublicJWK)
                .forEach(all::add);
        this.publicKeys = new JWKSet(all);
    }

    public ECKey signingKey() {
        return current;
    }

    public JWKSet publicKeys() {
        return publicKeys;
    }

    /** The published keys as a JSON JWK Set document. */
    public String publicJwksJson() {
        return publicKeys.toString(true);
    }

    public JWKSource<SecurityContext> verificationKeys() {
        return new ImmutableJWKSet<>(publicKeys);
    }
}
