package io.plansync.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;

/** Tokens an attacker could make: unsigned, signed with the wrong algorithm, or altered after signing. */
public final class ForgedTokens {
    private static final byte[] SHARED_SECRET =
            "a shared secret of at least 256 bits for HS256 forgery".getBytes(StandardCharsets.UTF_8);

    private ForgedTokens() {
    }

    /** {@code alg: none}, no signature. */
    public static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** HS256 with a shared secret, claiming a published kid. */
    public static String hs256(String kid, JOSEObjectType type, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).type(type).build(),
                    claims);
            jwt.sign(new MACSigner(SHARED_SECRET));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RS256 with an RSA key the attacker holds, claiming a published kid. */
    public static String rs256(String kid, JOSEObjectType type, JWTClaimsSet claims) {
        try {
            RSAKey rsa = new RSAKeyGenerator(2048).generate();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(type).build(),
                    claims);
            jwt.sign(new RSASSASigner(rsa));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header and signature of a genuine token around a different payload. */
    public static String withPayload(String genuineToken, JWTClaimsSet otherClaims) {
        try {
            Base64URL[] parts = SignedJWT.parse(genuineToken).getParsedParts();
            return parts[0] + "." + Base64URL.encode(otherClaims.toString()) + "." + parts[2];
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JWTClaimsSet claimsOf(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet();
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
