package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.schema.GroupVersionKind;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The four authorization.k8s.io/v1 reviews ({@code kubectl auth can-i}, {@code can-i --list},
 * and the access checks controllers and webhooks make). Caravel authorizes every request (RBAC
 * objects are stored, not yet enforced), so the truthful answer is the one Kubernetes' AlwaysAllow
 * authorizer gives: allowed, and for the rules review every verb on everything, complete. The
 * reason says why, so nobody mistakes it for an RBAC decision. The reviews' specs are validated
 * as the reference validates them (422 with causes, or its 400s), so a client that sends a
 * malformed review learns it here and not on a real cluster.
 *
 * <p>Why: docs/decisions/0019-tokens-reviews-and-the-kubelet-stand-in.md.
 */
final class AccessReviewCreate implements AnsweredCreate {

    static final String GROUP = "authorization.k8s.io";
    static final String ALLOWED_REASON = "Caravel does not enforce authorization yet: every request is allowed";

    private enum Review { SELF_SUBJECT, SUBJECT, LOCAL_SUBJECT, SELF_SUBJECT_RULES }

    private final Review review;
    private final GroupVersionKind kind;

    private AccessReviewCreate(Review review, String kind) {
        this.review = review;
        this.kind = new GroupVersionKind(GROUP, "v1", kind);
    }

    static AccessReviewCreate selfSubjectAccessReview() {
        return new AccessReviewCreate(Review.SELF_SUBJECT, "SelfSubjectAccessReview");
    }

    static AccessReviewCreate subjectAccessReview() {
        return new AccessReviewCreate(Review.SUBJECT, "SubjectAccessReview");
    }

    static AccessReviewCreate localSubjectAccessReview() {
        return new AccessReviewCreate(Review.LOCAL_SUBJECT, "LocalSubjectAccessReview");
    }

    static AccessReviewCreate selfSubjectRulesReview() {
        return new AccessReviewCreate(Review.SELF_SUBJECT_RULES, "SelfSubjectRulesReview");
    }

    @Override
    public GroupVersionKind bodyKind() {
        return kind;
    }

    @Override
    public Answer create(Call call) {
        ObjectNode body = call.body();
        JsonNode spec = body.path("spec");
        if (review == Review.SELF_SUBJECT_RULES) {
            if (spec.path("namespace").asText("").isEmpty()) {
                throw StatusException.badRequest("no namespace on request");
            }
            answerRules(body);
            return Answer.created(body);
        }
        List<FieldError> errors = validate(body, spec);
        if (!errors.isEmpty()) {
            throw StatusException.invalid(new GroupKind(GROUP, kind.kind()), "", errors);
        }
        if (review == Review.LOCAL_SUBJECT && !call.namespace().equals(StoredObjects.text(body, "metadata", "namespace"))) {
            throw StatusException.badRequest("spec.resourceAttributes.namespace must match namespace: " + call.namespace());
        }
        if (!body.path("metadata").has("creationTimestamp")) {
            body.withObjectProperty("metadata").putNull("creationTimestamp");
        }
        ObjectNode status = body.putObject("status");
        status.put("allowed", true);
        status.put("reason", ALLOWED_REASON);
        return Answer.created(body);
    }

    /** ValidateSubjectAccessReviewSpec and its siblings, in the reference's order. */
    private List<FieldError> validate(ObjectNode body, JsonNode spec) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode resource = spec.get("resourceAttributes");
        JsonNode nonResource = spec.get("nonResourceAttributes");
        boolean hasResource = resource != null && !resource.isNull();
        boolean hasNonResource = nonResource != null && !nonResource.isNull();
        FieldPath specPath = FieldPath.of("spec");
        if (hasResource && hasNonResource) {
            errors.add(FieldError.invalid(specPath.child("nonResourceAttributes"), goNonResource(nonResource),
                    "cannot be specified in combination with resourceAttributes"));
        }
        if (!hasResource && !hasNonResource) {
            errors.add(FieldError.invalid(specPath.child("resourceAttributes"), null,
                    "exactly one of nonResourceAttributes or resourceAttributes must be specified"));
        }
        if (review != Review.SELF_SUBJECT && spec.path("user").asText("").isEmpty()
                && spec.path("groups").isEmpty()) {
            errors.add(FieldError.invalid(specPath.child("user"), spec.path("user").asText(""),
                    "at least one of user or group must be specified"));
        }
        boolean local = review == Review.LOCAL_SUBJECT;
        if (!metadataEmpty(body.path("metadata"), local)) {
            errors.add(FieldError.invalid(FieldPath.of("metadata"), goObjectMeta(body.path("metadata")),
                    local ? "must be empty except for namespace" : "must be empty"));
        }
        if (local) {
            String namespace = StoredObjects.text(body, "metadata", "namespace");
            if (hasResource && !resource.path("namespace").asText("").equals(namespace)) {
                errors.add(FieldError.invalid(FieldPath.of("spec.resourceAttributes.namespace"),
                        resource.path("namespace").asText(""), "must match metadata.namespace"));
            }
            if (hasNonResource) {
                errors.add(FieldError.invalid(FieldPath.of("spec.nonResourceAttributes"), goNonResource(nonResource),
                        "disallowed on this kind of request"));
            }
        }
        return errors;
    }

    /** Whether ObjectMeta is its zero value (managedFields aside, and the namespace for local reviews). */
    private static boolean metadataEmpty(JsonNode metadata, boolean exceptNamespace) {
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("managedFields") || (exceptNamespace && name.equals("namespace"))) {
                continue;
            }
            boolean zero = value.isNull() || (value.isTextual() && value.asText().isEmpty())
                    || (value.isNumber() && value.asLong() == 0) || (value.isContainerNode() && value.isEmpty());
            if (!zero) {
                return false;
            }
        }
        return true;
    }

    /** How Go prints a *NonResourceAttributes in a field error (its generated String()). */
    private static FieldError.GoLiteral goNonResource(JsonNode attributes) {
        return new FieldError.GoLiteral("&NonResourceAttributes{Path:" + attributes.path("path").asText("")
                + ",Verb:" + attributes.path("verb").asText("") + ",}");
    }

    /**
     * ObjectMeta in a field error. Go prints the whole struct with %#v; Caravel prints the members
     * that were sent, in the same notation, which names what made the metadata non-empty.
     */
    private static FieldError.GoLiteral goObjectMeta(JsonNode metadata) {
        List<String> members = new ArrayList<>();
        metadata.fields().forEachRemaining(f -> {
            if (!f.getValue().isNull()) {
                String name = Character.toUpperCase(f.getKey().charAt(0)) + f.getKey().substring(1);
                members.add(name + ":" + (f.getValue().isTextual() ? "\"" + f.getValue().asText() + "\"" : f.getValue().toString()));
            }
        });
        return new FieldError.GoLiteral("v1.ObjectMeta{" + String.join(", ", members) + "}");
    }

    /** The rules AlwaysAllow reports: every verb on every resource and URL, complete. */
    private static void answerRules(ObjectNode body) {
        if (!body.path("metadata").has("creationTimestamp")) {
            body.withObjectProperty("metadata").putNull("creationTimestamp");
        }
        ObjectNode status = body.putObject("status");
        ObjectNode resourceRule = status.putArray("resourceRules").addObject();
        resourceRule.putArray("verbs").add("*");
        resourceRule.putArray("apiGroups").add("*");
        resourceRule.putArray("resources").add("*");
        ObjectNode nonResourceRule = status.putArray("nonResourceRules").addObject();
        nonResourceRule.putArray("verbs").add("*");
        nonResourceRule.putArray("nonResourceURLs").add("*");
        status.put("incomplete", false);
    }
}
