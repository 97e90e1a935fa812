package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.auth.ServiceAccountTokens;
import dev.caravel.apiserver.auth.ServiceAccountTokens.Verification;
import dev.caravel.apiserver.schema.GroupVersionKind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /apis/authentication.k8s.io/v1/tokenreviews}: whether a token is one of Caravel's
 * service-account tokens and still valid, as Kubernetes' TokenReview REST answers through its
 * service-account authenticator. Beyond what the token says (issuer, signature, validity,
 * audience: {@link ServiceAccountTokens#verify}), the objects it names must still exist with the
 * uids it carries and not have been deleted more than a minute ago: the service account, and
 * the secret, pod or node it is bound to. A token Caravel did not issue is simply not
 * authenticated (no error), as the reference's authenticator union answers for a token no
 * authenticator claims.
 */
final class TokenReviewCreate implements AnsweredCreate {

    static final GroupVersionKind KIND = new GroupVersionKind("authentication.k8s.io", "v1", "TokenReview");
    private static final String EXTRA = "authentication.kubernetes.io/";

    private final Registry registry;
    private final ServiceAccountTokens tokens;

    TokenReviewCreate(Registry registry, ServiceAccountTokens tokens) {
        this.registry = registry;
        this.tokens = tokens;
    }

    @Override
    public GroupVersionKind bodyKind() {
        return KIND;
    }

    @Override
    public Answer create(Call call) {
        ObjectNode review = call.body();
        String token = review.path("spec").path("token").asText("");
        if (token.isEmpty()) {
            throw StatusException.badRequest("token is required for TokenReview in authentication");
        }
        List<String> audiences = new ArrayList<>();
        review.path("spec").path("audiences").forEach(a -> audiences.add(a.asText()));
        if (!review.path("metadata").hasNonNull("creationTimestamp")) {
            review.withObjectProperty("metadata").putNull("creationTimestamp");
        }
        ObjectNode status = review.putObject("status");
        Verification verification = tokens.verify(token, audiences);
        switch (verification) {
            case Verification.NotOurs notOurs -> status.putObject("user");
            case Verification.Rejected rejected -> {
                status.putObject("user");
                status.put("error", rejected.error());
            }
            case Verification.Valid valid -> {
                String problem = boundObjectsProblem(valid.claims().path("kubernetes.io"));
                if (problem != null) {
                    status.putObject("user");
                    status.put("error", problem);
                } else {
                    status.put("authenticated", true);
                    status.set("user", user(valid.claims()));
                    ArrayNode aud = status.putArray("audiences");
                    valid.audiences().forEach(aud::add);
                }
            }
        }
        return Answer.created(review);
    }

    /** Why the objects the token names no longer back it, or null when they do. */
    private String boundObjectsProblem(JsonNode claims) {
        String namespace = claims.path("namespace").asText();
        JsonNode account = claims.path("serviceaccount");
        ObjectNode live;
        try {
            live = registry.coreStore("serviceaccounts").get(namespace, account.path("name").asText());
        } catch (StatusException e) {
            return e.getMessage();
        }
        String uid = StoredObjects.text(live, "metadata", "uid");
        if (!uid.equals(account.path("uid").asText())) {
            return "service account UID (" + uid + ") does not match claim (" + account.path("uid").asText() + ")";
        }
        if (deletedLongAgo(live)) {
            return "service account " + namespace + "/" + account.path("name").asText() + " has been deleted";
        }
        String secretProblem = boundProblem(claims.path("secret"), "secrets", namespace, "secret",
                "service account secret ref claim");
        if (secretProblem != null) {
            return secretProblem;
        }
        String podProblem = boundProblem(claims.path("pod"), "pods", namespace, "pod", "service account pod ref claim");
        if (podProblem != null) {
            return podProblem;
        }
        if (claims.path("pod").isMissingNode()) {
            // a node named beside a pod only says where the pod ran; a token bound to a node alone
            // lives as long as the node
            return boundProblem(claims.path("node"), "nodes", "", "node", "service account node ref claim");
        }
        return null;
    }

    private String boundProblem(JsonNode ref, String resource, String namespace, String what, String claim) {
        if (!ref.isObject()) {
            return null;
        }
        ObjectNode live;
        try {
            live = registry.coreStore(resource).get(namespace, ref.path("name").asText());
        } catch (StatusException e) {
            if (e.code() == 404) {
                return "service account token has been invalidated";
            }
            throw e;
        }
        String uid = StoredObjects.text(live, "metadata", "uid");
        if (!uid.equals(ref.path("uid").asText())) {
            return what + " UID (" + uid + ") does not match " + claim + " (" + ref.path("uid").asText() + ")";
        }
        if (deletedLongAgo(live)) {
            return "service account token has been invalidated";
        }
        return null;
    }

    /** Deleted before now minus the leeway: what the reference treats as gone. */
    private boolean deletedLongAgo(JsonNode object) {
        String deleted = StoredObjects.text(object, "metadata", "deletionTimestamp");
        return !deleted.isEmpty()
                && Instant.parse(deleted).isBefore(tokens.clock().instant().minusSeconds(60));
    }

    /** The service account's user, as Kubernetes' ServiceAccountInfo.UserInfo makes it. */
    private static ObjectNode user(JsonNode claims) {
        JsonNode k8s = claims.path("kubernetes.io");
        String namespace = k8s.path("namespace").asText();
        ObjectNode user = StoredObjects.JSON.createObjectNode();
        user.put("username", "system:serviceaccount:" + namespace + ":" + k8s.path("serviceaccount").path("name").asText());
        user.put("uid", k8s.path("serviceaccount").path("uid").asText());
        user.putArray("groups").add("system:serviceaccounts").add("system:serviceaccounts:" + namespace)
                .add("system:authenticated");
        ObjectNode extra = StoredObjects.JSON.createObjectNode();
        addExtra(extra, "credential-id", claims.hasNonNull("jti") ? "JTI=" + claims.path("jti").asText() : "");
        addExtra(extra, "node-name", k8s.path("node").path("name").asText(""));
        addExtra(extra, "node-uid", k8s.path("node").path("uid").asText(""));
        addExtra(extra, "pod-name", k8s.path("pod").path("name").asText(""));
        addExtra(extra, "pod-uid", k8s.path("pod").path("uid").asText(""));
        if (!extra.isEmpty()) {
            user.set("extra", extra);
        }
        return user;
    }

    private static void addExtra(ObjectNode extra, String key, String value) {
        if (!value.isEmpty()) {
            extra.putArray(EXTRA + key).add(value);
        }
    }
}
