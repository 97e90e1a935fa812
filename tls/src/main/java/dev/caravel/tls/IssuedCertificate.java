package dev.caravel.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** A certificate and its private key, as a {@link CertificateAuthority} issued them. */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {

    public IssuedCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

    public String certificatePem() {
        return Pem.encode(List.of(certificate));
    }

    public String keyPem() {
        return Pem.encode(key);
    }

    /**
     * Writes the certificate and the key (owner-only) to the two files, each replaced atomically,
     * the key first: a server reloading on a change of the certificate file then reads a matching key.
     */
    public void writeTo(Path certificateFile, Path keyFile) throws IOException {
        replace(keyFile, keyPem(), true);
        replace(certificateFile, certificatePem(), false);
    }

    private static void replace(Path file, String text, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            if (secret && Files.getFileStore(temporary).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
