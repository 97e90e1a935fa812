package dev.caravel.audit.writer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * POSTs batches of events as an audit.k8s.io/v1 EventList to a URL, as kube-apiserver's webhook
 * backend does. A batch that fails with a connection error, a 5xx or a 429 is retried with
 * exponential backoff (kube-apiserver: --audit-webhook-initial-backoff 10s, factor 1.5, 5 tries);
 * another 4xx is not retried: sending the same body again would fail the same way.
 * Put it behind a {@link BufferedAuditSink} (webhook defaults: batch mode, 400 events, 30 s).
 */
public final class WebhookBackend implements AuditBackend {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookBackend.class);

    /**
     * @param attempts       tries per batch, the first included (at least 1)
     * @param initialBackoff wait before the second try; each later wait is 1.5 times longer
     * @param requestTimeout for one POST, connection included
     * @param bearerToken    sent as {@code Authorization: Bearer ...}; empty for none
     * @param tls            the TLS context for an https URL (its trusted CA); null for the JVM's default
     */
    public record Config(URI url, int attempts, Duration initialBackoff, Duration requestTimeout, String bearerToken,
                         javax.net.ssl.SSLContext tls) {
        public Config {
            Objects.requireNonNull(url, "url");
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
            bearerToken = bearerToken == null ? "" : bearerToken;
        }

        public Config(URI url, int attempts, Duration initialBackoff, Duration requestTimeout) {
            this(url, attempts, initialBackoff, requestTimeout, "", null);
        }

        public static Config defaults(URI url) {
            return new Config(url, 5, Duration.ofSeconds(10), Duration.ofSeconds(30));
        }

        public Config withInitialBackoff(Duration backoff) {
            return new Config(url, attempts, backoff, requestTimeout, bearerToken, tls);
        }

        public Config withCredentials(String token, javax.net.ssl.SSLContext context) {
            return new Config(url, attempts, initialBackoff, requestTimeout, token, context);
        }
    }

    private static final double BACKOFF_FACTOR = 1.5;

    private final Config config;
    private final HttpClient client;

    public WebhookBackend(Config config) {
        this(config, client(config));
    }

    private static HttpClient client(Config config) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.requestTimeout());
        if (config.tls() != null) {
            builder.sslContext(config.tls());
        }
        return builder.build();
    }

    public WebhookBackend(Config config, HttpClient client) {
        this.config = config;
        this.client = client;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public void write(List<AuditEvent> events) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(config.url())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(AuditEventJson.eventList(events)));
        if (!config.bearerToken().isEmpty()) {
            builder.header("Authorization", "Bearer " + config.bearerToken());
        }
        HttpRequest request = builder.build();
        Duration backoff = config.initialBackoff();
        IOException last = null;
        for (int attempt = 1; attempt <= config.attempts(); attempt++) {
            if (attempt > 1) {
                sleep(backoff);
                backoff = Duration.ofNanos((long) (backoff.toNanos() * BACKOFF_FACTOR));
            }
            int status;
            try {
                status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException e) {
                last = e;
                LOG.debug("audit webhook {} attempt {} failed", config.url(), attempt, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while sending audit events");
            }
            if (status >= 200 && status < 300) {
                return;
            }
            last = new IOException("audit webhook " + config.url() + " answered " + status);
            if (status != 429 && status < 500) {
                throw last;
            }
        }
        throw new IOException("audit webhook " + config.url() + " failed " + config.attempts() + " times", last);
    }

    private static void sleep(Duration backoff) throws IOException {
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while backing off");
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
