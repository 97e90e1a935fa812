package dev.caravel.apiserver.aggregation;

import dev.caravel.tls.Pem;
import dev.caravel.tls.TlsContexts;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * How the aggregator trusts a backend, as Go's TLS client with kube-aggregator's configuration
 * does: the chain must be signed by the APIService's caBundle and name {@code <service>.<namespace>.svc}
 * whatever address the connection goes to (the request is sent to an endpoint's IP address), or
 * anything goes with insecureSkipTLSVerify.
 *
 * <p>The checks fail with Go's words ({@link RejectedCertificate}), since they end up in the
 * APIService's FailedDiscoveryCheck message that users and tools compare with Kubernetes': an
 * expired certificate says when it expired.
 */
final class BackendTrust {

    private static final DateTimeFormatter GO_RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private BackendTrust() {
    }

    /**
     * A client context for an APIService's backend, verifying as described above and presenting
     * {@code proxyClient} (the front-proxy client certificate) when there is one.
     */
    static SSLContext context(byte[] caBundle, boolean insecureSkipTlsVerify, String serverName, Clock clock,
                              Aggregator.ProxyClientCertificate proxyClient) {
        if (insecureSkipTlsVerify) {
            return proxyClient == null ? TlsContexts.trustingAnyServer(null, null)
                    : TlsContexts.trustingAnyServer(proxyClient.key(), proxyClient.chain());
        }
        List<X509Certificate> authorities;
        try {
            authorities = caBundle.length == 0 ? List.of() : Pem.certificates(new String(caBundle, StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            authorities = List.of();
        }
        X509TrustManager chainCheck = authorities.isEmpty() ? null : (X509TrustManager) TlsContexts.trusting(authorities)[0];
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(proxyClient == null ? null : TlsContexts.presenting(proxyClient.key(), proxyClient.chain()),
                    new TrustManager[] {new ServerNameTrust(chainCheck, serverName, clock)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("building a TLS context for " + serverName, e);
        }
    }

    /** A backend's certificate refused, with Go's crypto/tls and crypto/x509 message. */
    static final class RejectedCertificate extends CertificateException {
        RejectedCertificate(String goMessage) {
            super("tls: failed to verify certificate: " + goMessage);
        }
    }

    /**
     * An extended trust manager, so that JSSE does not add its own host name check against the
     * address connected to: this one checks the service's DNS name instead.
     */
    private static final class ServerNameTrust extends X509ExtendedTrustManager {
        private final X509TrustManager chainCheck;
        private final String serverName;
        private final Clock clock;

        ServerNameTrust(X509TrustManager chainCheck, String serverName, Clock clock) {
            this.chainCheck = chainCheck;
            this.serverName = serverName;
            this.clock = clock;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new RejectedCertificate("x509: certificate signed by unknown authority");
            }
            X509Certificate leaf = chain[0];
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            Instant notAfter = leaf.getNotAfter().toInstant();
            Instant notBefore = leaf.getNotBefore().toInstant();
            // Go checks validity while building the chain, before the authority: an expired
            // certificate from an unknown CA reports its expiry.
            if (now.isAfter(notAfter)) {
                throw new RejectedCertificate("x509: certificate has expired or is not yet valid: current time "
                        + GO_RFC3339.format(now.atOffset(java.time.ZoneOffset.UTC)) + " is after "
                        + GO_RFC3339.format(notAfter.atOffset(java.time.ZoneOffset.UTC)));
            }
            if (now.isBefore(notBefore)) {
                throw new RejectedCertificate("x509: certificate has expired or is not yet valid: current time "
                        + GO_RFC3339.format(now.atOffset(java.time.ZoneOffset.UTC)) + " is before "
                        + GO_RFC3339.format(notBefore.atOffset(java.time.ZoneOffset.UTC)));
            }
            if (chainCheck == null) {
                throw new RejectedCertificate("x509: certificate signed by unknown authority");
            }
            try {
                chainCheck.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                throw new RejectedCertificate("x509: certificate signed by unknown authority");
            }
            List<String> names = dnsNames(leaf);
            if (names.isEmpty()) {
                throw new RejectedCertificate(
                        "x509: certificate relies on legacy Common Name field, use SANs instead");
            }
            if (names.stream().noneMatch(name -> matches(name, serverName))) {
                throw new RejectedCertificate("x509: certificate is valid for " + String.join(", ", names)
                        + ", not " + serverName);
            }
        }

        private static List<String> dnsNames(X509Certificate leaf) throws CertificateParsingException {
            List<String> names = new ArrayList<>();
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
            return names;
        }

        /** RFC 6125 matching as Go does it: exact, or one leftmost {@code *} label. */
        private static boolean matches(String pattern, String host) {
            String p = pattern.toLowerCase(Locale.ROOT);
            String h = host.toLowerCase(Locale.ROOT);
            if (p.equals(h)) {
                return true;
            }
            if (p.startsWith("*.")) {
                int dot = h.indexOf('.');
                return dot > 0 && h.substring(dot).equals(p.substring(1));
            }
            return false;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the aggregator is a client only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return chainCheck == null ? new X509Certificate[0] : Arrays.copyOf(chainCheck.getAcceptedIssuers(),
                    chainCheck.getAcceptedIssuers().length);
        }
    }
}
