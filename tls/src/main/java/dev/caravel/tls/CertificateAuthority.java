package dev.caravel.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority that issues serving and client certificates, with ECDSA P-256 keys (fast
 * to generate, accepted by Go's and Java's TLS alike). What Caravel's commands and tests use to make
 * the certificates of an aggregated API server and its caBundle, including deliberately expired ones
 * (incident 1 was a serving certificate that expired).
 */
public final class CertificateAuthority {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final IssuedCertificate self;

    private CertificateAuthority(IssuedCertificate self) {
        this.self = self;
    }

    /** A new self-signed CA named {@code commonName}, valid from a minute ago for {@code validity}. */
    public static CertificateAuthority create(String commonName, Duration validity) {
        KeyPair keys = newKeyPair();
        Instant notBefore = Instant.now().minusSeconds(60);
        X500Name name = name(commonName, List.of());
        X509Certificate certificate = sign(name, keys.getPublic(), name, keys.getPrivate(), notBefore,
                notBefore.plus(validity), builder -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                });
        return new CertificateAuthority(new IssuedCertificate(certificate, keys.getPrivate()));
    }

    /** The CA's own certificate: what a caBundle or a kubeconfig's certificate-authority-data holds. */
    public X509Certificate certificate() {
        return self.certificate();
    }

    /** The CA's certificate in PEM. */
    public String certificatePem() {
        return self.certificatePem();
    }

    /**
     * A serving certificate for {@code dnsNames} and {@code ipAddresses} (its subject alternative
     * names; the first DNS name, or the first address, is also its common name), valid from
     * {@code notBefore} to {@code notAfter}: a time in the past makes an expired one.
     */
    public IssuedCertificate issueServing(List<String> dnsNames, List<String> ipAddresses, Instant notBefore, Instant notAfter) {
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("a serving certificate needs at least one DNS name or IP address");
        }
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        ipAddresses.forEach(a -> names.add(new GeneralName(GeneralName.iPAddress, a)));
        String commonName = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
        return issue(name(commonName, List.of()), notBefore, notAfter, KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /** A client certificate for user {@code commonName} in groups {@code organizations}, as Kubernetes reads them. */
    public IssuedCertificate issueClient(String commonName, List<String> organizations, Instant notBefore, Instant notAfter) {
        return issue(name(commonName, organizations), notBefore, notAfter, KeyPurposeId.id_kp_clientAuth, null);
    }

    private IssuedCertificate issue(X500Name subject, Instant notBefore, Instant notAfter, KeyPurposeId purpose,
                                    GeneralNames alternativeNames) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        KeyPair keys = newKeyPair();
        X500Name issuer = X500Name.getInstance(self.certificate().getSubjectX500Principal().getEncoded());
        X509Certificate certificate = sign(subject, keys.getPublic(), issuer, self.key(), notBefore, notAfter, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (alternativeNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames);
            }
            try {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(self.certificate()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("identifying the CA's key", e);
            }
        });
        return new IssuedCertificate(certificate, keys.getPrivate());
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws CertIOException;
    }

    private static X509Certificate sign(X500Name subject, PublicKey subjectKey, X500Name issuer, PrivateKey issuerKey,
                                        Instant notBefore, Instant notAfter, Extensions extensions) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKey));
            extensions.add(builder);
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("signing a certificate for " + subject, e);
        }
    }

    private static X500Name name(String commonName, List<String> organizations) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        organizations.forEach(o -> builder.addRDN(BCStyle.O, o));
        builder.addRDN(BCStyle.CN, Objects.requireNonNull(commonName, "commonName"));
        return builder.build();
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has EC P-256", e);
        }
    }
}
