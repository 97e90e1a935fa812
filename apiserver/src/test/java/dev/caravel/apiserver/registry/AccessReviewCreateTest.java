package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Access reviews and SelfSubjectReview over HTTP: answered, validated, never stored. */
class AccessReviewCreateTest {

    private static final String AUTHZ = "/apis/authorization.k8s.io/v1/";
    private static InProcessServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aSelfSubjectAccessReviewIsAllowedAndSaysWhy() throws Exception {
        HttpResponse<String> response = server.send("POST", AUTHZ + "selfsubjectaccessreviews",
                "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
                        + "\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\",\"verb\":\"create\",\"resource\":\"pods\"}}}");
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode review = InProcessServer.JSON.readTree(response.body());
        assertThat(review.path("kind").asText()).isEqualTo("SelfSubjectAccessReview");
        assertThat(review.path("spec").path("resourceAttributes").path("verb").asText()).isEqualTo("create");
        assertThat(review.path("status").path("allowed").asBoolean()).isTrue();
        assertThat(review.path("status").path("reason").asText()).contains("does not enforce authorization");
    }

    @Test
    void aReviewWithoutAttributesIsInvalidWithItsCause() throws Exception {
        JsonNode status = server.post(AUTHZ + "selfsubjectaccessreviews", "{\"spec\":{}}");
        assertThat(status.path("code").asInt()).isEqualTo(422);
        assertThat(status.path("reason").asText()).isEqualTo("Invalid");
        assertThat(status.path("message").asText()).isEqualTo("SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: "
                + "spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified");
        assertThat(status.path("details").path("causes").get(0).path("field").asText()).isEqualTo("spec.resourceAttributes");

        JsonNode both = server.post(AUTHZ + "selfsubjectaccessreviews", "{\"spec\":{\"resourceAttributes\":{\"verb\":\"get\"},"
                + "\"nonResourceAttributes\":{\"path\":\"/healthz\",\"verb\":\"get\"}}}");
        assertThat(both.path("message").asText()).endsWith("spec.nonResourceAttributes: Invalid value: "
                + "&NonResourceAttributes{Path:/healthz,Verb:get,}: cannot be specified in combination with resourceAttributes");
    }

    @Test
    void aSubjectAccessReviewNeedsAUserOrGroupAndEmptyMetadata() throws Exception {
        JsonNode status = server.post(AUTHZ + "subjectaccessreviews",
                "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"nonResourceAttributes\":{\"path\":\"/version\",\"verb\":\"get\"}}}");
        assertThat(status.path("code").asInt()).isEqualTo(422);
        assertThat(status.path("details").path("causes")).extracting(c -> c.path("field").asText())
                .containsExactly("spec.user", "metadata");

        JsonNode allowed = server.post(AUTHZ + "subjectaccessreviews",
                "{\"spec\":{\"user\":\"jane\",\"nonResourceAttributes\":{\"path\":\"/version\",\"verb\":\"get\"}}}");
        assertThat(allowed.path("status").path("allowed").asBoolean()).isTrue();
    }

    @Test
    void aLocalReviewMustStayInItsNamespace() throws Exception {
        JsonNode mismatch = server.post("/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews",
                "{\"spec\":{\"user\":\"jane\",\"resourceAttributes\":{\"namespace\":\"kube-system\",\"verb\":\"get\",\"resource\":\"pods\"}}}");
        assertThat(mismatch.path("code").asInt()).isEqualTo(422);
        assertThat(mismatch.path("message").asText()).endsWith(
                "spec.resourceAttributes.namespace: Invalid value: \"kube-system\": must match metadata.namespace");

        JsonNode otherNamespace = server.post("/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews",
                "{\"metadata\":{\"namespace\":\"kube-system\"},\"spec\":{\"user\":\"jane\"}}");
        assertThat(otherNamespace.path("code").asInt()).isEqualTo(400);

        JsonNode allowed = server.post("/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews",
                "{\"spec\":{\"groups\":[\"devs\"],\"resourceAttributes\":{\"namespace\":\"default\",\"verb\":\"get\",\"resource\":\"pods\"}}}");
        assertThat(allowed.path("metadata").path("namespace").asText()).isEqualTo("default");
        assertThat(allowed.path("status").path("allowed").asBoolean()).isTrue();
    }

    @Test
    void aRulesReviewGrantsEverythingCompletely() throws Exception {
        JsonNode review = server.post(AUTHZ + "selfsubjectrulesreviews", "{\"spec\":{\"namespace\":\"default\"}}");
        assertThat(review.path("status").path("incomplete").asBoolean(true)).isFalse();
        JsonNode rule = review.path("status").path("resourceRules").get(0);
        assertThat(rule.path("verbs").get(0).asText()).isEqualTo("*");
        assertThat(rule.path("apiGroups").get(0).asText()).isEqualTo("*");
        assertThat(rule.path("resources").get(0).asText()).isEqualTo("*");
        assertThat(review.path("status").path("nonResourceRules").get(0).path("nonResourceURLs").get(0).asText()).isEqualTo("*");

        JsonNode noNamespace = server.post(AUTHZ + "selfsubjectrulesreviews", "{\"spec\":{}}");
        assertThat(noNamespace.path("code").asInt()).isEqualTo(400);
        assertThat(noNamespace.path("message").asText()).isEqualTo("no namespace on request");
    }

    @Test
    void aSelfSubjectReviewAnswersTheUnsecuredUser() throws Exception {
        JsonNode review = server.post("/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
        JsonNode user = review.path("status").path("userInfo");
        assertThat(user.path("username").asText()).isEqualTo("system:unsecured");
        assertThat(user.path("groups")).extracting(JsonNode::asText).containsExactly("system:masters", "system:authenticated");
        assertThat(review.path("metadata").path("creationTimestamp").asText()).isNotEmpty();
    }

    @Test
    void reviewsAreOnlyCreatedAndDiscoveryListsThemSo() throws Exception {
        HttpResponse<String> get = server.send("GET", AUTHZ + "selfsubjectaccessreviews", null);
        assertThat(get.statusCode()).isEqualTo(405);

        JsonNode resources = server.get("/apis/authorization.k8s.io/v1");
        assertThat(resources.path("resources")).filteredOn(r -> r.path("name").asText().equals("selfsubjectaccessreviews"))
                .singleElement().satisfies(r -> assertThat(r.path("verbs")).extracting(JsonNode::asText).containsExactly("create"));
        JsonNode core = server.get("/api/v1");
        assertThat(core.path("resources")).filteredOn(r -> r.path("name").asText().equals("bindings"))
                .singleElement().satisfies(r -> {
                    assertThat(r.path("namespaced").asBoolean()).isTrue();
                    assertThat(r.path("kind").asText()).isEqualTo("Binding");
                    assertThat(r.path("verbs")).extracting(JsonNode::asText).containsExactly("create");
                });
        assertThat(core.path("resources")).extracting(r -> r.path("name").asText())
                .contains("pods/binding", "serviceaccounts/token");
    }
}
