package dev.caravel.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Issues and checks service-account tokens: compact JWS (header, claims, signature) signed RS256
 * with the {@link ServiceAccountKey}, carrying the claims kube-apiserver puts in bound tokens.
 * What a token is bound to (the service account, a pod, secret or node, each with its uid) is
 * checked by the caller against the registry; this class checks what the token alone can say:
 * issuer, signature, validity window and audience.
 *
 * <p>The key is made (or read) on first use, so a server whose clients never ask for a token
 * never pays for RSA key generation at start. Thread-safe.
 */
public final class ServiceAccountTokens {

    /** kube-apiserver's conventional {@code --service-account-issuer}, and so its API audience. */
    public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
    /** go-jose's default leeway, which Kubernetes' validator applies to exp, nbf and iat. */
    static final Duration LEEWAY = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<ServiceAccountKey> keySource;
    private final String issuer;
    private final List<String> apiAudiences;
    private final Clock clock;
    private volatile ServiceAccountKey key;

    public ServiceAccountTokens(Supplier<ServiceAccountKey> keySource, String issuer, Clock clock) {
        this.keySource = Objects.requireNonNull(keySource, "keySource");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.apiAudiences = List.of(issuer);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Tokens signed with a key kept in memory only. */
    public static ServiceAccountTokens inMemory(Clock clock) {
        return new ServiceAccountTokens(ServiceAccountKey::generate, DEFAULT_ISSUER, clock);
    }

    public String issuer() {
        return issuer;
    }

    /** The audiences a token gets when its request names none, and a review checks when it names none. */
    public List<String> apiAudiences() {
        return apiAudiences;
    }

    public Clock clock() {
        return clock;
    }

    ServiceAccountKey key() {
        ServiceAccountKey current = key;
        if (current == null) {
            synchronized (this) {
                current = key;
                if (current == null) {
                    current = keySource.get();
                    key = current;
                }
            }
        }
        return current;
    }

    /**
     * Signs {@code claims} (their {@code iss} is set here) into a compact JWS. Members are
     * written in name order, as go-jose writes the merged claims of Kubernetes' tokens.
     */
    public String issue(ObjectNode claims) {
        ObjectNode sorted = JsonNodeFactory.instance.objectNode();
        ObjectNode all = claims.deepCopy();
        all.put("iss", issuer);
        all.properties().stream().map(java.util.Map.Entry::getKey).sorted()
                .forEach(name -> sorted.set(name, all.get(name)));
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        header.put("alg", ServiceAccountKey.ALGORITHM);
        header.put("kid", key().keyId());
        String signingInput = encode(header) + "." + encode(sorted);
        byte[] signature = key().sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + ServiceAccountKey.base64Url(signature);
    }

    /** What checking a token found: not one of ours, rejected with a reason, or its claims. */
    public sealed interface Verification {
        /** Not a JWT, or one from another issuer: another authenticator might know it. */
        record NotOurs() implements Verification {}

        /** Ours but not valid; {@code error} is what a TokenReview reports. */
        record Rejected(String error) implements Verification {}

        /** Valid; {@code audiences} are the requested ones the token is for. */
        record Valid(JsonNode claims, List<String> audiences) implements Verification {}
    }

    /**
     * Checks a token's issuer, signature, validity window (with a minute's leeway) and audience,
     * as Kubernetes' service-account JWT authenticator does.
     *
     * @param requestedAudiences the audiences the caller accepts; empty for the API's own
     */
    public Verification verify(String token, List<String> requestedAudiences) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return new Verification.NotOurs();
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException | IOException e) {
            return new Verification.NotOurs();
        }
        if (header == null || claims == null || !claims.isObject() || !issuer.equals(claims.path("iss").asText())) {
            return new Verification.NotOurs();
        }
        if (!ServiceAccountKey.ALGORITHM.equals(header.path("alg").asText())
                || !key().verify((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), signature)) {
            return new Verification.Rejected("invalid bearer token, square/go-jose: error in cryptographic primitive");
        }
        long now = clock.instant().getEpochSecond();
        long leeway = LEEWAY.toSeconds();
        if (claims.has("exp") && now - leeway > claims.path("exp").asLong()) {
            return new Verification.Rejected("service account token has expired");
        }
        if (claims.has("nbf") && now + leeway < claims.path("nbf").asLong()) {
            return new Verification.Rejected("service account token is not valid yet");
        }
        if (claims.has("iat") && now + leeway < claims.path("iat").asLong()) {
            return new Verification.Rejected("service account token is issued in the future");
        }
        List<String> tokenAudiences = new ArrayList<>();
        JsonNode aud = claims.path("aud");
        if (aud.isTextual()) {
            tokenAudiences.add(aud.asText());
        } else {
            aud.forEach(a -> tokenAudiences.add(a.asText()));
        }
        if (tokenAudiences.isEmpty()) {
            tokenAudiences.addAll(apiAudiences);
        }
        List<String> requested = requestedAudiences.isEmpty() ? apiAudiences : requestedAudiences;
        List<String> both = requested.stream().filter(tokenAudiences::contains).toList();
        if (both.isEmpty()) {
            return new Verification.Rejected("token audiences " + goQuoted(tokenAudiences)
                    + " is invalid for the target audiences " + goQuoted(requested));
        }
        return new Verification.Valid(claims, both);
    }

    /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
    private static String goQuoted(List<String> values) {
        return values.stream().map(v -> JsonNodeFactory.instance.textNode(v).toString())
                .collect(Collectors.joining(" ", "[", "]"));
    }

    /**
     * {@code /.well-known/openid-configuration} as kube-apiserver serves it, with the JWKS at
     * {@code serverUrl}: relying parties (cloud workload identity, Vault) find the key there.
     */
    public ObjectNode openIdConfiguration(String serverUrl) {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("issuer", issuer);
        doc.put("jwks_uri", serverUrl + "/openid/v1/jwks");
        doc.putArray("response_types_supported").add("id_token");
        doc.putArray("subject_types_supported").add("public");
        doc.putArray("id_token_signing_alg_values_supported").add(ServiceAccountKey.ALGORITHM);
        return doc;
    }

    /** {@code /openid/v1/jwks}: the public key tokens are verified with. */
    public ObjectNode jwks() {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        ArrayNode keys = doc.putArray("keys");
        keys.add(key().jwk());
        return doc;
    }

    /** The claims of a token without checking anything, for tests and logs; empty if it is no JWT. */
    public static Optional<JsonNode> unverifiedClaims(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(Base64.getUrlDecoder().decode(parts[1])));
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    private static String encode(JsonNode node) {
        try {
            return ServiceAccountKey.base64Url(JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
