package dev.caravel.apiserver.auth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The key service-account tokens are signed with: RSA 2048, RS256, as kube-apiserver's
 * {@code --service-account-signing-key-file} is most often configured, so that every JWT library
 * verifies the tokens. Its key id is Kubernetes' own choice: the unpadded base64url SHA-256 of the
 * public key's PKIX (DER) encoding, which is what the JWKS document and the tokens' {@code kid}
 * both carry.
 *
 * <p>Why RSA and not a library: docs/decisions/0019-tokens-reviews-and-the-kubelet-stand-in.md.
 */
public final class ServiceAccountKey {

    public static final String ALGORITHM = "RS256";
    private static final String JAVA_SIGNATURE = "SHA256withRSA";
    private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PEM_END = "-----END PRIVATE KEY-----";

    private final KeyPair pair;
    private final String keyId;

    private ServiceAccountKey(KeyPair pair) {
        this.pair = pair;
        this.keyId = keyIdOf(pair.getPublic().getEncoded());
    }

    /** A new key, kept in memory only (in-process servers: tokens die with the server). */
    public static ServiceAccountKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new ServiceAccountKey(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has RSA", e);
        }
    }

    /**
     * The key in {@code file} (a PKCS#8 PEM {@code PRIVATE KEY}, which openssl and
     * kube-apiserver's key flags read too), created with owner-only permissions when the file
     * does not exist, so tokens issued before a restart stay valid after it.
     */
    public static ServiceAccountKey loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return read(Files.readString(file, StandardCharsets.US_ASCII), file);
            }
            ServiceAccountKey key = generate();
            PrivateFiles.write(file, key.pem(), StandardCharsets.US_ASCII);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("service account key " + file, e);
        }
    }

    private static ServiceAccountKey read(String pem, Path file) {
        int begin = pem.indexOf(PEM_BEGIN);
        int end = pem.indexOf(PEM_END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(file + " holds no PKCS#8 PEM private key (" + PEM_BEGIN + ")");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + PEM_BEGIN.length(), end));
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            if (!(rsa.generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateCrtKey priv)) {
                throw new IllegalArgumentException(file + " holds an RSA key without its CRT parameters");
            }
            RSAPublicKey pub = (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(priv.getModulus(), priv.getPublicExponent()));
            return new ServiceAccountKey(new KeyPair(pub, priv));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " holds no RSA private key: " + e.getMessage(), e);
        }
    }

    String pem() {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded());
        return PEM_BEGIN + "\n" + body + "\n" + PEM_END + "\n";
    }

    public String keyId() {
        return keyId;
    }

    byte[] sign(byte[] input) {
        try {
            Signature signature = Signature.getInstance(JAVA_SIGNATURE);
            signature.initSign(pair.getPrivate());
            signature.update(input);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with the service account key", e);
        }
    }

    boolean verify(byte[] input, byte[] signatureBytes) {
        try {
            Signature signature = Signature.getInstance(JAVA_SIGNATURE);
            signature.initVerify(pair.getPublic());
            signature.update(input);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The public key as a JSON Web Key, as kube-apiserver lists it in {@code /openid/v1/jwks}. */
    public ObjectNode jwk() {
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        ObjectNode jwk = JsonNodeFactory.instance.objectNode();
        jwk.put("use", "sig");
        jwk.put("kty", "RSA");
        jwk.put("kid", keyId);
        jwk.put("alg", ALGORITHM);
        jwk.put("n", base64Url(unsigned(pub.getModulus())));
        jwk.put("e", base64Url(unsigned(pub.getPublicExponent())));
        return jwk;
    }

    /** A JWK's integers are big-endian without the sign byte Java's encoding adds. */
    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    static String keyIdOf(byte[] publicKeyDer) {
        try {
            return base64Url(MessageDigest.getInstance("SHA-256").digest(publicKeyDer));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
