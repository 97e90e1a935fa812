package dev.caravel.apiserver.aggregation;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The HTTP clients the aggregator reaches backends with: one per trust (caBundle, server name,
 * insecureSkipTLSVerify), kept while the APIService keeps it, HTTP/1.1 over TLS. Failures are
 * described in Go's net/http words ({@link #describe}), as kube-aggregator reports them.
 */
final class BackendClients implements AutoCloseable {

    private final Clock clock;
    private final Duration connectTimeout;
    private final Aggregator.ProxyClientCertificate proxyClient;
    /** Clients by trust; an entry whose trust no APIService uses any more is dropped by {@link #retain}. */
    private final Map<Trust, HttpClient> clients = new ConcurrentHashMap<>();

    /** @param proxyClient the client certificate presented to backends; null for none */
    BackendClients(Clock clock, Duration connectTimeout, Aggregator.ProxyClientCertificate proxyClient) {
        this.clock = clock;
        this.connectTimeout = connectTimeout;
        this.proxyClient = proxyClient;
    }

    /** What a client trusts: the key of the client cache. */
    record Trust(byte[] caBundle, boolean insecureSkipTlsVerify, String serverName) {
        static Trust of(ApiService apiService, ServiceReference service) {
            return new Trust(apiService.caBundle(), apiService.insecureSkipTlsVerify(), service.serverName());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Trust t && Arrays.equals(caBundle, t.caBundle)
                    && insecureSkipTlsVerify == t.insecureSkipTlsVerify && serverName.equals(t.serverName);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(caBundle) * 31 + serverName.hashCode() + (insecureSkipTlsVerify ? 1 : 0);
        }
    }

    HttpClient client(Trust trust) {
        return clients.computeIfAbsent(trust, t -> {
            SSLContext context = BackendTrust.context(t.caBundle(), t.insecureSkipTlsVerify(), t.serverName(), clock,
                    proxyClient);
            SSLParameters parameters = context.getDefaultSSLParameters();
            return HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .sslContext(context)
                    .sslParameters(parameters)
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .build();
        });
    }

    /** Forgets the clients of trusts not in {@code inUse} (an APIService deleted or its caBundle changed). */
    void retain(java.util.Set<Trust> inUse) {
        clients.keySet().removeIf(trust -> {
            if (inUse.contains(trust)) {
                return false;
            }
            clients.get(trust).shutdownNow();
            return true;
        });
    }

    /** Sends {@code request}, the body left to read as a stream. */
    HttpResponse<InputStream> send(Trust trust, HttpRequest request) throws IOException, InterruptedException {
        return client(trust).send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Go's net/http error text for a failed {@code method} of {@code uri}:
     * {@code Get "https://10.0.0.1:443/apis/metrics.k8s.io/v1beta1": dial tcp 10.0.0.1:443: connect: connection refused}.
     */
    static String describe(String method, URI uri, Throwable failure) {
        String goMethod = method.charAt(0) + method.substring(1).toLowerCase(java.util.Locale.ROOT);
        return goMethod + " \"" + uri + "\": " + cause(uri, failure);
    }

    private static String cause(URI uri, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BackendTrust.RejectedCertificate rejected) {
                return rejected.getMessage();
            }
        }
        String address = uri.getHost() + ":" + uri.getPort();
        // The JDK's connect timeout covers the TLS handshake too; Go's client timeout (shorter than
        // its dial and handshake timeouts) fires first in either case and says so.
        if (failure instanceof HttpTimeoutException) {
            return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "dial tcp " + address + ": connect: connection refused";
            }
            if (t instanceof ClosedChannelException || (t.getMessage() != null && t.getMessage().contains("EOF"))) {
                return "EOF";
            }
            if (t instanceof javax.net.ssl.SSLException ssl) {
                return "remote error: tls: " + ssl.getMessage();
            }
        }
        return String.valueOf(failure.getMessage());
    }

    @Override
    public void close() {
        clients.values().forEach(HttpClient::shutdownNow);
        clients.clear();
    }
}
