package dev.caravel.apiserver.aggregation;

import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.http.ApiResponse;
import dev.caravel.apiserver.http.Stage;
import dev.caravel.apiserver.request.RequestUser;
import dev.caravel.apiserver.resource.GroupVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * kube-aggregator's proxy handler as a pipeline stage: a request under {@code /apis/<group>/<version>}
 * that an APIService with a service claims goes to that service's backend over TLS, and the
 * answer comes back as it is, streamed (watches too). Anything else goes on to the server's own
 * handlers. It runs after audit and request metrics, so proxied requests are audited and counted.
 *
 * <p>As in kube-aggregator: an APIService not Available, or whose service cannot be resolved to
 * an endpoint, answers 503 with the plain-text body {@code service unavailable} (Go's
 * {@code http.Error}, not a Status: clients report "the server is currently unable to handle the
 * request"); a backend that cannot be reached answers 503 with the error text. The user's
 * identity goes along as {@code X-Remote-User} and {@code X-Remote-Group} headers (the
 * requestheader authentication an aggregated server trusts); the client's own credentials and
 * any X-Remote-* headers it sent are not passed on. The front-proxy client certificate, when one is
 * configured, is presented on every connection, so a backend can believe those headers from the
 * aggregator only (decision 0023).
 */
public final class AggregationProxy implements Stage {

    private static final Logger LOG = LoggerFactory.getLogger(AggregationProxy.class);

    /** Headers that belong to one connection (RFC 9110 7.6.1), or that the JDK client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length", "expect",
            "authorization", "proxy-authorization");
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "trailer", "upgrade", "content-length");
    /** A backend answer up to this size with a known length is sent whole; longer ones and watches are streamed. */
    private static final long WHOLE_BODY_LIMIT = 4 << 20;
    private static final int STREAM_BUFFER = 64 << 10;

    private final ApiServiceTable table;
    private final ServiceResolver resolver;
    private final BackendClients clients;

    AggregationProxy(ApiServiceTable table, ServiceResolver resolver, BackendClients clients) {
        this.table = table;
        this.resolver = resolver;
        this.clients = clients;
    }

    @Override
    public ApiResponse handle(ApiRequest request, Chain next) throws Exception {
        Optional<GroupVersion> groupVersion = groupVersionOf(request.path());
        Optional<ApiService> claimed = groupVersion.flatMap(table::claiming);
        if (claimed.isEmpty() || claimed.get().local()) {
            return next.proceed(request);
        }
        ApiService apiService = claimed.get();
        if (!apiService.available().isTrue()) {
            return unavailable("service unavailable");
        }
        ServiceReference service = apiService.service().orElseThrow();
        Optional<ServiceResolver.Reached> known = table.endpointsOf(apiService.name());
        ServiceResolver.Resolution resolution = known.isPresent() ? known.get() : resolver.resolve(service);
        if (!(resolution instanceof ServiceResolver.Reached reached)) {
            return unavailable("service unavailable");
        }
        URI target = reached.base().resolve(request.path() + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery()));
        HttpRequest upstream = upstreamRequest(request, target);
        HttpResponse<InputStream> response;
        try {
            response = clients.send(BackendClients.Trust.of(apiService, service), upstream);
        } catch (IOException e) {
            String error = BackendClients.describe(request.method(), target, e);
            LOG.warn("aggregation.proxy: error while proxying {} to APIService {}: {}", request, apiService.name(), error);
            return unavailable(error);
        }
        return answer(request, response);
    }

    /** The group-version of {@code /apis/<group>/<version>[/...]}; empty for any other path. */
    static Optional<GroupVersion> groupVersionOf(String path) {
        if (!path.startsWith("/apis/")) {
            return Optional.empty();
        }
        String[] parts = path.substring("/apis/".length()).split("/", 3);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new GroupVersion(parts[0], parts[1]));
    }

    private static HttpRequest upstreamRequest(ApiRequest request, URI target) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target)
                .method(request.method(), request.body().length == 0 && !hasBody(request.method())
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        for (String name : request.headers().keySet()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(lower) || lower.startsWith("x-remote-") || lower.startsWith("impersonate-")) {
                continue;
            }
            for (String value : request.headerValues(lower)) {
                builder.header(name, value);
            }
        }
        RequestUser user = RequestUser.UNSECURED;
        builder.header("X-Remote-User", user.name());
        for (String group : user.groups()) {
            builder.header("X-Remote-Group", group);
        }
        return builder.build();
    }

    private static boolean hasBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    private static ApiResponse answer(ApiRequest request, HttpResponse<InputStream> response) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!NOT_RETURNED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                headers.put(name, List.copyOf(values));
            }
        });
        long length = response.headers().firstValueAsLong("content-length").orElse(-1);
        InputStream body = response.body();
        if (length >= 0 && length <= WHOLE_BODY_LIMIT) {
            try (body) {
                return new ApiResponse(response.statusCode(), headers, body.readAllBytes(), null);
            }
        }
        return new ApiResponse(response.statusCode(), headers, null, out -> {
            out.onClose(() -> closeQuietly(body));
            try (body) {
                byte[] buffer = new byte[STREAM_BUFFER];
                int read;
                while ((read = body.read(buffer)) >= 0) {
                    if (read > 0 && !out.send(java.util.Arrays.copyOf(buffer, read))) {
                        return;
                    }
                }
            } catch (IOException e) {
                if (out.isOpen()) {
                    LOG.debug("aggregation.proxy: the backend's answer to {} ended: {}", request, e.toString());
                }
            }
        });
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the client has gone; the backend's connection is dropped either way
        }
    }

    /** Go's {@code http.Error(w, message, 503)}: plain text, a newline after it. */
    private static ApiResponse unavailable(String message) {
        return ApiResponse.of(503, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8))
                .withHeader("X-Content-Type-Options", "nosniff");
    }
}
