package dev.caravel.metricsserver;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may speak for users: the aggregator proves itself with a client certificate issued by the
 * front-proxy CA ({@code --requestheader-client-ca-file}), whose common name is one of
 * {@code allowedNames} ({@code --requestheader-allowed-names}; empty allows any), and only then is
 * its {@code X-Remote-User} believed. Kubernetes' request-header authenticator works so.
 *
 * @param clientAuthorities the CAs that sign front-proxy client certificates; not empty
 * @param allowedNames      the common names allowed; empty for any the CAs signed
 */
public record FrontProxy(List<X509Certificate> clientAuthorities, Set<String> allowedNames) {

    public FrontProxy {
        clientAuthorities = List.copyOf(clientAuthorities);
        allowedNames = Set.copyOf(allowedNames);
        if (clientAuthorities.isEmpty()) {
            throw new IllegalArgumentException("a front proxy needs at least one client CA");
        }
    }

    /**
     * The user a request speaks for: its {@code X-Remote-User} when the connection presented a
     * front-proxy certificate (already verified against the CAs by the TLS handshake) with an
     * allowed name; empty when the request is not authenticated.
     *
     * @param clientCommonName the verified client certificate's common name, empty for none
     */
    Optional<String> user(String clientCommonName, String remoteUser) {
        Objects.requireNonNull(clientCommonName);
        if (clientCommonName.isEmpty() || remoteUser.isEmpty()) {
            return Optional.empty();
        }
        if (!allowedNames.isEmpty() && !allowedNames.contains(clientCommonName)) {
            return Optional.empty();
        }
        return Optional.of(remoteUser);
    }
}
