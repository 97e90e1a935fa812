package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The serviceaccounts/token subresource, TokenReview and the issuer discovery, over HTTP. */
class TokenRequestCreateTest {

    private static InProcessServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start();
        server.post("/api/v1/namespaces/default/serviceaccounts", "{\"metadata\":{\"name\":\"robot\"}}");
        server.post("/api/v1/namespaces/default/serviceaccounts", "{\"metadata\":{\"name\":\"other\"}}");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode requestToken(String account, String spec) throws Exception {
        return server.post("/api/v1/namespaces/default/serviceaccounts/" + account + "/token",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":" + spec + "}");
    }

    static JsonNode claimsOf(String token) throws Exception {
        return InProcessServer.JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    static JsonNode review(String token, String audiences) throws Exception {
        return server.post("/apis/authentication.k8s.io/v1/tokenreviews",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + token + "\""
                        + (audiences == null ? "" : ",\"audiences\":" + audiences) + "}}");
    }

    @Test
    void aTokenCarriesTheClaimsKubeApiserverPutsInBoundTokens() throws Exception {
        JsonNode account = server.get("/api/v1/namespaces/default/serviceaccounts/robot");
        HttpResponse<String> response = server.send("POST", "/api/v1/namespaces/default/serviceaccounts/robot/token",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{}}");
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode answer = InProcessServer.JSON.readTree(response.body());
        assertThat(answer.path("kind").asText()).isEqualTo("TokenRequest");
        assertThat(answer.path("metadata").path("name").asText()).isEqualTo("robot");
        assertThat(answer.path("metadata").path("uid").asText()).isEqualTo(account.path("metadata").path("uid").asText());
        assertThat(answer.path("spec").path("expirationSeconds").asLong()).isEqualTo(3600);
        assertThat(answer.path("spec").path("audiences").get(0).asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");

        JsonNode claims = claimsOf(answer.path("status").path("token").asText());
        assertThat(claims.path("iss").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(claims.path("sub").asText()).isEqualTo("system:serviceaccount:default:robot");
        assertThat(claims.path("aud").get(0).asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(3600);
        assertThat(claims.path("nbf").asLong()).isEqualTo(claims.path("iat").asLong());
        assertThat(claims.path("jti").asText()).hasSize(36);
        assertThat(claims.path("kubernetes.io").path("namespace").asText()).isEqualTo("default");
        assertThat(claims.path("kubernetes.io").path("serviceaccount").path("uid").asText())
                .isEqualTo(account.path("metadata").path("uid").asText());
        assertThat(Instant.parse(answer.path("status").path("expirationTimestamp").asText()).getEpochSecond())
                .isEqualTo(claims.path("exp").asLong());
    }

    @Test
    void tokensVerifyWithTheKeyPublishedByIssuerDiscovery() throws Exception {
        HttpResponse<String> configuration = server.send("GET", "/.well-known/openid-configuration", null);
        assertThat(configuration.headers().firstValue("cache-control")).contains("public, max-age=3600");
        JsonNode config = InProcessServer.JSON.readTree(configuration.body());
        assertThat(config.path("issuer").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(config.path("jwks_uri").asText()).isEqualTo(server.url() + "/openid/v1/jwks");
        assertThat(config.path("id_token_signing_alg_values_supported").get(0).asText()).isEqualTo("RS256");

        HttpResponse<String> jwksResponse = server.send("GET", "/openid/v1/jwks", null);
        assertThat(jwksResponse.headers().firstValue("content-type")).contains("application/jwk-set+json");
        JsonNode key = InProcessServer.JSON.readTree(jwksResponse.body()).path("keys").get(0);
        assertThat(key.path("kty").asText()).isEqualTo("RSA");
        assertThat(key.path("use").asText()).isEqualTo("sig");

        String token = requestToken("robot", "{}").path("status").path("token").asText();
        String[] parts = token.split("\\.");
        JsonNode header = InProcessServer.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("kid").asText()).isEqualTo(key.path("kid").asText());
        PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(key.path("n").asText())),
                new BigInteger(1, Base64.getUrlDecoder().decode(key.path("e").asText()))));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initVerify(publicKey);
        signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(signature.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    }

    @Test
    void aMissingServiceAccountIsNotFound() throws Exception {
        HttpResponse<String> response = server.send("POST", "/api/v1/namespaces/default/serviceaccounts/ghost/token", "{\"spec\":{}}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(InProcessServer.JSON.readTree(response.body()).path("message").asText())
                .isEqualTo("serviceaccounts \"ghost\" not found");
    }

    @Test
    void anExpirationUnderTenMinutesIsInvalid() throws Exception {
        JsonNode status = requestToken("robot", "{\"expirationSeconds\":60}");
        assertThat(status.path("code").asInt()).isEqualTo(422);
        assertThat(status.path("message").asText()).isEqualTo("TokenRequest.authentication.k8s.io \"\" is invalid: "
                + "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes");
        assertThat(status.path("details").path("causes").get(0).path("field").asText()).isEqualTo("spec.expirationSeconds");
    }

    @Test
    void aBodyNamingAnotherAccountIsInvalid() throws Exception {
        JsonNode status = server.post("/api/v1/namespaces/default/serviceaccounts/robot/token",
                "{\"metadata\":{\"name\":\"other\"},\"spec\":{}}");
        assertThat(status.path("code").asInt()).isEqualTo(422);
        assertThat(status.path("message").asText()).contains("metadata.name: Invalid value: \"other\": must match the service account name if specified");
    }

    @Test
    void aRequestNamingAnotherIncarnationOfTheAccountIsAConflict() throws Exception {
        JsonNode status = server.post("/api/v1/namespaces/default/serviceaccounts/robot/token",
                "{\"metadata\":{\"uid\":\"stale\"},\"spec\":{}}");
        assertThat(status.path("code").asInt()).isEqualTo(409);
        assertThat(status.path("message").asText()).startsWith(
                "Operation cannot be fulfilled on TokenRequest.authentication.k8s.io \"robot\": the UID in the token request (stale)");
    }

    @Test
    void aPodBoundTokenNamesThePodAndIsCheckedAgainstIt() throws Exception {
        JsonNode pod = server.post("/api/v1/namespaces/default/pods", "{\"metadata\":{\"name\":\"bound\"},"
                + "\"spec\":{\"serviceAccountName\":\"robot\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
        String podUid = pod.path("metadata").path("uid").asText();

        JsonNode wrongAccount = requestToken("other", "{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"bound\"}}");
        assertThat(wrongAccount.path("code").asInt()).isEqualTo(400);
        assertThat(wrongAccount.path("message").asText())
                .isEqualTo("cannot bind token for serviceaccount \"other\" to pod running with different serviceaccount name.");

        JsonNode wrongUid = requestToken("robot", "{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"bound\",\"uid\":\"nope\"}}");
        assertThat(wrongUid.path("code").asInt()).isEqualTo(409);
        assertThat(wrongUid.path("message").asText()).isEqualTo("Operation cannot be fulfilled on Pod \"bound\": the UID in the "
                + "bound object reference (nope) does not match the UID in record. The object might have been deleted and then recreated");

        JsonNode missing = requestToken("robot", "{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"absent\"}}");
        assertThat(missing.path("code").asInt()).isEqualTo(404);

        JsonNode unsupported = requestToken("robot", "{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"x\"}}");
        assertThat(unsupported.path("message").asText()).isEqualTo("cannot bind token to object of type /v1, Kind=ConfigMap");

        JsonNode answer = requestToken("robot", "{\"audiences\":[\"vault\"],\"expirationSeconds\":7200,"
                + "\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"bound\",\"uid\":\"" + podUid + "\"}}");
        String token = answer.path("status").path("token").asText();
        JsonNode claims = claimsOf(token);
        assertThat(claims.path("aud").get(0).asText()).isEqualTo("vault");
        assertThat(claims.path("kubernetes.io").path("pod").path("uid").asText()).isEqualTo(podUid);

        JsonNode reviewed = review(token, "[\"vault\"]");
        assertThat(reviewed.path("status").path("authenticated").asBoolean()).isTrue();
        JsonNode user = reviewed.path("status").path("user");
        assertThat(user.path("username").asText()).isEqualTo("system:serviceaccount:default:robot");
        assertThat(user.path("groups")).extracting(JsonNode::asText)
                .containsExactly("system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated");
        assertThat(user.path("extra").path("authentication.kubernetes.io/pod-name").get(0).asText()).isEqualTo("bound");
        assertThat(user.path("extra").path("authentication.kubernetes.io/pod-uid").get(0).asText()).isEqualTo(podUid);
        assertThat(user.path("extra").path("authentication.kubernetes.io/credential-id").get(0).asText())
                .isEqualTo("JTI=" + claims.path("jti").asText());
        assertThat(reviewed.path("status").path("audiences").get(0).asText()).isEqualTo("vault");

        JsonNode forTheApi = review(token, null);
        assertThat(forTheApi.path("status").path("authenticated").asBoolean()).isFalse();
        assertThat(forTheApi.path("status").path("error").asText()).isEqualTo(
                "token audiences [\"vault\"] is invalid for the target audiences [\"https://kubernetes.default.svc.cluster.local\"]");

        server.call("DELETE", "/api/v1/namespaces/default/pods/bound", null);
        JsonNode afterDelete = review(token, "[\"vault\"]");
        assertThat(afterDelete.path("status").path("authenticated").asBoolean()).isFalse();
        assertThat(afterDelete.path("status").path("error").asText()).isEqualTo("service account token has been invalidated");
    }

    @Test
    void aReviewRejectsTokensOfARecreatedAccountAndIgnoresForeignOnes() throws Exception {
        server.post("/api/v1/namespaces/default/serviceaccounts", "{\"metadata\":{\"name\":\"short-lived\"}}");
        String token = requestToken("short-lived", "{}").path("status").path("token").asText();
        assertThat(review(token, null).path("status").path("authenticated").asBoolean()).isTrue();

        server.call("DELETE", "/api/v1/namespaces/default/serviceaccounts/short-lived", null);
        JsonNode gone = review(token, null);
        assertThat(gone.path("status").path("error").asText()).isEqualTo("serviceaccounts \"short-lived\" not found");
        server.post("/api/v1/namespaces/default/serviceaccounts", "{\"metadata\":{\"name\":\"short-lived\"}}");
        assertThat(review(token, null).path("status").path("error").asText()).startsWith("service account UID (");

        JsonNode foreign = review("not-a-jwt", null);
        assertThat(foreign.path("status").path("authenticated").asBoolean()).isFalse();
        assertThat(foreign.path("status").has("error")).isFalse();

        String[] parts = requestToken("robot", "{}").path("status").path("token").asText().split("\\.");
        JsonNode forged = review(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA", null);
        assertThat(forged.path("status").path("error").asText()).contains("error in cryptographic primitive");

        JsonNode empty = server.post("/apis/authentication.k8s.io/v1/tokenreviews", "{\"spec\":{}}");
        assertThat(empty.path("code").asInt()).isEqualTo(400);
        assertThat(empty.path("message").asText()).isEqualTo("token is required for TokenReview in authentication");
    }

    @Test
    void nodeAndSecretBoundTokensLiveAsLongAsTheirObject() throws Exception {
        JsonNode node = server.post("/api/v1/nodes", "{\"metadata\":{\"name\":\"worker-1\"}}");
        String nodeToken = requestToken("robot", "{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"worker-1\"}}")
                .path("status").path("token").asText();
        JsonNode nodeClaim = claimsOf(nodeToken).path("kubernetes.io").path("node");
        assertThat(nodeClaim.path("uid").asText()).isEqualTo(node.path("metadata").path("uid").asText());
        JsonNode reviewed = review(nodeToken, null);
        assertThat(reviewed.path("status").path("authenticated").asBoolean()).isTrue();
        assertThat(reviewed.path("status").path("user").path("extra").path("authentication.kubernetes.io/node-name").get(0).asText())
                .isEqualTo("worker-1");

        server.post("/api/v1/namespaces/default/secrets", "{\"metadata\":{\"name\":\"holder\"}}");
        String secretToken = requestToken("robot", "{\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"name\":\"holder\"}}")
                .path("status").path("token").asText();
        assertThat(review(secretToken, null).path("status").path("authenticated").asBoolean()).isTrue();

        server.call("DELETE", "/api/v1/nodes/worker-1", null);
        server.call("DELETE", "/api/v1/namespaces/default/secrets/holder", null);
        assertThat(review(nodeToken, null).path("status").path("error").asText()).isEqualTo("service account token has been invalidated");
        assertThat(review(secretToken, null).path("status").path("error").asText()).isEqualTo("service account token has been invalidated");
    }

    @Test
    void aPodOnANodeNamesTheNodeInItsTokens() throws Exception {
        server.post("/api/v1/namespaces/default/pods", "{\"metadata\":{\"name\":\"placed\"},"
                + "\"spec\":{\"serviceAccountName\":\"robot\",\"nodeName\":\"nowhere\",\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
        JsonNode claims = claimsOf(requestToken("robot", "{\"expirationSeconds\":3607,"
                + "\"boundObjectRef\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"placed\"}}").path("status").path("token").asText());
        assertThat(claims.path("kubernetes.io").path("node").path("name").asText()).as("a missing node keeps its name").isEqualTo("nowhere");
        assertThat(claims.path("kubernetes.io").path("node").has("uid")).isFalse();
        assertThat(claims.path("kubernetes.io").path("warnafter").asLong() - claims.path("iat").asLong())
                .as("the kubelet's hour-and-seven-seconds token warns after that").isEqualTo(3607);
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).as("and lives a year").isEqualTo(365L * 24 * 3600);
    }
}
