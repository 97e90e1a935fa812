package dev.caravel.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.http.ApiResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The service-account issuer discovery kube-apiserver serves, so that anyone can verify Caravel's
 * tokens: {@code /.well-known/openid-configuration} (issuer and where the keys are) and
 * {@code /openid/v1/jwks} (the public keys), both cacheable for an hour as the reference sends them.
 */
public final class OpenIdEndpoints {

    public static final String CONFIGURATION_PATH = "/.well-known/openid-configuration";
    public static final String JWKS_PATH = "/openid/v1/jwks";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceAccountTokens tokens;
    private final String serverUrl;

    /** @param serverUrl where this server is reached, for the JWKS address */
    public OpenIdEndpoints(ServiceAccountTokens tokens, String serverUrl) {
        this.tokens = tokens;
        this.serverUrl = serverUrl;
    }

    /** The answer when {@code request} is for one of the two documents, else empty. */
    public Optional<ApiResponse> handle(ApiRequest request) {
        String path = request.path();
        if (path.equals(CONFIGURATION_PATH)) {
            return Optional.of(document(tokens.openIdConfiguration(serverUrl), "application/json"));
        }
        if (path.equals(JWKS_PATH)) {
            return Optional.of(document(tokens.jwks(), "application/jwk-set+json"));
        }
        return Optional.empty();
    }

    private static ApiResponse document(JsonNode body, String contentType) {
        try {
            return ApiResponse.of(200, contentType, JSON.writeValueAsBytes(body))
                    .withHeader("Cache-Control", "public, max-age=3600");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
