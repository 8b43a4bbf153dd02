package io.plansync.support.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.JWSAlgorithm;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * EC P-256 signing keys in PEM PKCS#8 form, as configured by operators, turned into JWKs whose kid is the
 * RFC 7638 thumbprint. The public key is derived from the private scalar, because PKCS#8 may omit it.
 */
public final class PemKeys {
    private static final X9ECParameters P256 = ECNamedCurveTable.getByName("P-256");

    private PemKeys() {
    }

    /** Every PRIVATE KEY block in {@code pem}, in order. */
    public static List<ECKey> parseAll(String pem) {
        List<ECKey> keys = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem.replace("\\n", "\n")))) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (!(object instanceof PrivateKeyInfo info)) {
                    throw new InvalidKeyConfiguration("expected PEM 'PRIVATE KEY' (PKCS#8) blocks");
                }
                keys.add(toJwk(info.getEncoded()));
            }
        } catch (IOException | GeneralSecurityException | JOSEException e) {
            throw new InvalidKeyConfiguration("not a valid PEM PKCS#8 EC P-256 private key");
        }
        if (keys.isEmpty()) {
            throw new InvalidKeyConfiguration("no PEM 'PRIVATE KEY' block found");
        }
        return keys;
    }

    public static ECKey generate() {
        try {
            return withThumbprintKid(new ECKeyGenerator(Curve.P_256).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key", e);
        }
    }

    public static String toPem(ECKey key) {
        try {
            StringWriter out = new StringWriter();
            try (PemWriter writer = new PemWriter(out)) {
                writer.writeObject(new PemObject("PRIVATE KEY", key.toECPrivateKey().getEncoded()));
            }
            return out.toString();
        } catch (IOException | JOSEException e) {
            throw new IllegalStateException("cannot encode key", e);
        }
    }

    private static ECKey toJwk(byte[] pkcs8) throws GeneralSecurityException, JOSEException {
        KeyFactory factory = KeyFactory.getInstance("EC");
        if (!(factory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)) instanceof ECPrivateKey privateKey)) {
            throw new InvalidKeyConfiguration("not an EC key");
        }
        if (Curve.forECParameterSpec(privateKey.getParams()) != Curve.P_256) {
            throw new InvalidKeyConfiguration("the key must be on curve P-256");
        }
        BigInteger d = privateKey.getS();
        ECPoint q = new FixedPointCombMultiplier().multiply(P256.getG(), d).normalize();
        var w = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        ECPublicKey publicKey = (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(w, privateKey.getParams()));
        return withThumbprintKid(new ECKey.Builder(Curve.P_256, publicKey).privateKey(privateKey).build());
    }

    private static ECKey withThumbprintKid(ECKey key) throws JOSEException {
        return new ECKey.Builder(key)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256)
                .keyIDFromThumbprint()
                .build();
    }

    /** A configured key that cannot be used; the message names the problem, never the key. */
    public static final class InvalidKeyConfiguration extends RuntimeException {
        public InvalidKeyConfiguration(String message) {
            super(message);
        }
    }
}
