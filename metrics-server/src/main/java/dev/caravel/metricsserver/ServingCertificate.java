package dev.caravel.metricsserver;

import dev.caravel.tls.Pem;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving certificate and key, read from their files and read again whenever either file
 * changes, so a renewed certificate is served without a restart: every new connection takes {@link
 * #current()}. Incident 1 began with a certificate renewed on disk that the process never reloaded.
 *
 * <p>The files are polled (every second by default) and compared by content, not watched with
 * inotify: Kubernetes replaces a mounted Secret by swapping a symlink, which a watch on the file
 * misses, and tools that rewrite a file in place may keep its modification time within the same tick.
 * A pair that does not load (a key written but not yet its certificate, a key that does not match)
 * is logged once and the previous certificate is kept; the next change is tried again.
 */
final class ServingCertificate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("metrics-server");

    private final Path certificateFile;
    private final Path keyFile;
    private final MetricsServerMetrics metrics;
    private final Clock clock;
    private final List<X509Certificate> clientAuthorities;
    private final ScheduledExecutorService poller;
    private volatile Loaded current;
    private volatile Runnable onReload = () -> { };
    // The contents last tried, loaded or not, and whether the files were unreadable at the last
    // poll (logged once per streak, not every second); touched only by the poller after the first load.
    private byte[] lastCertificateBytes;
    private byte[] lastKeyBytes;
    private boolean unreadable;

    private record Loaded(SslContext context, X509Certificate certificate) {
    }

    /**
     * Loads the pair now and starts polling it.
     *
     * @param clientAuthorities CAs whose client certificates are asked for (optional: a client may
     *                          present none) and verified; empty to ask for none
     * @throws IllegalArgumentException when the files cannot be read or do not hold a matching pair
     */
    ServingCertificate(Path certificateFile, Path keyFile, Duration pollInterval, List<X509Certificate> clientAuthorities,
                       MetricsServerMetrics metrics, Clock clock) {
        this.clientAuthorities = List.copyOf(clientAuthorities);
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.metrics = metrics;
        this.clock = clock;
        byte[] certificateBytes = read(certificateFile);
        byte[] keyBytes = read(keyFile);
        lastCertificateBytes = certificateBytes;
        lastKeyBytes = keyBytes;
        current = load(certificateBytes, keyBytes);
        poller = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("metrics-server-certificate").unstarted(r));
        poller.scheduleWithFixedDelay(this::poll, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code action} after each reload (not the first load), on the poller's thread. */
    void onReload(Runnable action) {
        onReload = action;
    }

    /** The context new connections use. */
    SslContext current() {
        return current.context();
    }

    X509Certificate certificate() {
        return current.certificate();
    }

    /** One tick of the poller, which must survive anything: an exception would cancel its schedule. */
    private void poll() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            log.error("metrics-server: checking the serving certificate {} failed (a bug); checking again", certificateFile, e);
        }
    }

    /** Reads both files and loads them if either changed. */
    private void reloadIfChanged() {
        byte[] certificateBytes;
        byte[] keyBytes;
        try {
            certificateBytes = read(certificateFile);
            keyBytes = read(keyFile);
        } catch (IllegalArgumentException e) {
            if (!unreadable) {
                log.warn("metrics-server: cannot read the serving certificate, keeping the one in use: {}", e.getMessage());
            }
            unreadable = true;
            return;
        }
        unreadable = false;
        if (Arrays.equals(certificateBytes, lastCertificateBytes) && Arrays.equals(keyBytes, lastKeyBytes)) {
            return;
        }
        lastCertificateBytes = certificateBytes;
        lastKeyBytes = keyBytes;
        try {
            current = load(certificateBytes, keyBytes);
            onReload.run();
        } catch (IllegalArgumentException e) {
            log.warn("metrics-server: serving certificate {} and key {} changed but do not load, keeping the certificate "
                    + "that expires {}: {}", certificateFile, keyFile, current.certificate().getNotAfter().toInstant(), e.getMessage());
        }
    }

    private Loaded load(byte[] certificateBytes, byte[] keyBytes) {
        try {
            List<X509Certificate> chain = Pem.certificates(new String(certificateBytes, java.nio.charset.StandardCharsets.US_ASCII));
            PrivateKey key = Pem.privateKey(new String(keyBytes, java.nio.charset.StandardCharsets.US_ASCII));
            X509Certificate leaf = chain.getFirst();
            requireMatch(leaf, key);
            SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                    .sslProvider(SslProvider.JDK);
            if (!clientAuthorities.isEmpty()) {
                builder.clientAuth(ClientAuth.OPTIONAL).trustManager(clientAuthorities.toArray(X509Certificate[]::new));
            }
            SslContext context = builder.build();
            metrics.certificateLoaded(leaf);
            var notAfter = leaf.getNotAfter().toInstant();
            if (notAfter.isBefore(clock.instant())) {
                log.warn("metrics-server: serving certificate {} loaded, but it EXPIRED at {} (subject {}): clients will refuse it",
                        certificateFile, notAfter, leaf.getSubjectX500Principal().getName());
            } else {
                log.info("metrics-server: serving certificate {} loaded, expires {} (subject {}, serial {})",
                        certificateFile, notAfter, leaf.getSubjectX500Principal().getName(), leaf.getSerialNumber().toString(16));
            }
            return new Loaded(context, leaf);
        } catch (IOException | RuntimeException e) {
            metrics.certificateLoadFailed();
            throw e instanceof IllegalArgumentException iae ? iae : new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A key that does not sign for the certificate would fail every handshake: refuse it at load. */
    private static void requireMatch(X509Certificate certificate, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException("the private key does not match the certificate's public key");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the private key does not match the certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
