package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.auth.ServiceAccountTokens;
import dev.caravel.apiserver.schema.GroupVersionKind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST .../serviceaccounts/NAME/token} ({@code kubectl create token}): a signed token for
 * the service account, optionally bound to a pod, secret or node of its namespace (nodes are
 * cluster-scoped), as Kubernetes' TokenREST issues it. The checks run in the reference's order:
 * name and namespace of the body, the account (404) and its uid when the body names one (409), the spec (422: at least 10 minutes, at most
 * 2^32 seconds), then the bound object (404, 400 for a pod of another account or an unsupported
 * kind, 409 for a uid that is not the object's).
 */
final class TokenRequestCreate implements AnsweredCreate {

    static final GroupVersionKind KIND = new GroupVersionKind("authentication.k8s.io", "v1", "TokenRequest");
    private static final GroupKind GROUP_KIND = new GroupKind(KIND.group(), KIND.kind());
    /** kube-apiserver's default token lifetime (SetDefaults_TokenRequestSpec). */
    static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    private static final long MIN_EXPIRATION_SECONDS = 600;
    private static final long MAX_EXPIRATION_SECONDS = 1L << 32;
    /**
     * The lifetime kubelets ask for projected tokens (an hour and 7 seconds): such a pod-bound
     * token for the API's audience lives a year, and its {@code warnafter} claim marks the hour,
     * as kube-apiserver's default {@code --service-account-extend-token-expiration} does.
     */
    static final long WARN_ONLY_EXPIRATION_SECONDS = 3607;
    private static final long EXTENDED_EXPIRATION_SECONDS = 365L * 24 * 3600;

    private final Registry registry;
    private final ServiceAccountTokens tokens;

    TokenRequestCreate(Registry registry, ServiceAccountTokens tokens) {
        this.registry = registry;
        this.tokens = tokens;
    }

    @Override
    public GroupVersionKind bodyKind() {
        return KIND;
    }

    @Override
    public Answer create(Call call) {
        ObjectNode request = call.body();
        ObjectNode metadata = request.withObjectProperty("metadata");
        String bodyName = StoredObjects.text(request, "metadata", "name");
        if (!bodyName.isEmpty() && !bodyName.equals(call.name())) {
            throw StatusException.invalid(GROUP_KIND, call.name(), List.of(FieldError.invalid(
                    FieldPath.of("metadata").child("name"), bodyName, "must match the service account name if specified")));
        }
        ObjectNode account = registry.coreStore("serviceaccounts").get(call.namespace(), call.name());
        String accountUid = StoredObjects.text(account, "metadata", "uid");
        String requestUid = StoredObjects.text(request, "metadata", "uid");
        if (!requestUid.isEmpty() && !requestUid.equals(accountUid)) {
            // kube-apiserver 1.34's TokenRequestServiceAccountUIDValidation (beta, on): no token
            // for another incarnation of the account than the one the client meant
            throw StatusException.conflict(new GroupResource(KIND.group(), KIND.kind()), call.name(),
                    "the UID in the token request (" + requestUid + ") does not match the UID of the service account ("
                            + accountUid + ")");
        }
        ObjectNode spec = request.withObjectProperty("spec");
        if (!spec.path("audiences").isArray() || spec.path("audiences").isEmpty()) {
            ArrayNode audiences = spec.putArray("audiences");
            tokens.apiAudiences().forEach(audiences::add);
        }
        if (!spec.hasNonNull("expirationSeconds")) {
            spec.put("expirationSeconds", DEFAULT_EXPIRATION_SECONDS);
        }
        metadata.put("name", call.name());
        metadata.put("namespace", call.namespace());
        if (StoredObjects.text(request, "metadata", "uid").isEmpty()) {
            metadata.put("uid", StoredObjects.text(account, "metadata", "uid"));
        }
        Instant now = tokens.clock().instant();
        metadata.put("creationTimestamp", GenericStore.timestamp(now));
        request.remove("status");
        long expirationSeconds = spec.path("expirationSeconds").asLong();
        validate(expirationSeconds);

        ObjectNode kubernetes = JsonNodeFactory.instance.objectNode();
        kubernetes.put("namespace", call.namespace());
        kubernetes.set("serviceaccount", reference(account));
        boolean podBound = bindTo(spec.path("boundObjectRef"), call, kubernetes);

        List<String> audiences = new ArrayList<>();
        spec.path("audiences").forEach(a -> audiences.add(a.asText()));
        long lifetime = expirationSeconds;
        if (podBound && expirationSeconds == WARN_ONLY_EXPIRATION_SECONDS && tokens.apiAudiences().containsAll(audiences)) {
            kubernetes.put("warnafter", now.getEpochSecond() + expirationSeconds);
            lifetime = EXTENDED_EXPIRATION_SECONDS;
        }
        ObjectNode claims = JsonNodeFactory.instance.objectNode();
        ArrayNode aud = claims.putArray("aud");
        audiences.forEach(aud::add);
        claims.put("exp", now.getEpochSecond() + lifetime);
        claims.put("iat", now.getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.set("kubernetes.io", kubernetes);
        claims.put("nbf", now.getEpochSecond());
        claims.put("sub", "system:serviceaccount:" + call.namespace() + ":" + call.name());
        ObjectNode status = request.putObject("status");
        status.put("token", tokens.issue(claims));
        status.put("expirationTimestamp", GenericStore.timestamp(now.plusSeconds(expirationSeconds)));
        return Answer.created(request);
    }

    private static void validate(long expirationSeconds) {
        FieldPath path = FieldPath.of("spec").child("expirationSeconds");
        List<FieldError> errors = new ArrayList<>();
        if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
            errors.add(FieldError.invalid(path, expirationSeconds, "may not specify a duration less than 10 minutes"));
        }
        if (expirationSeconds > MAX_EXPIRATION_SECONDS) {
            errors.add(FieldError.invalid(path, expirationSeconds, "may not specify a duration larger than 2^32 seconds"));
        }
        if (!errors.isEmpty()) {
            throw StatusException.invalid(GROUP_KIND, "", errors);
        }
    }

    /**
     * Adds the claim of the bound object (a pod also names its node, when it has one, as
     * kube-apiserver does with ServiceAccountTokenPodNodeInfo); true when it is a pod.
     */
    private boolean bindTo(JsonNode ref, Call call, ObjectNode kubernetes) {
        if (!ref.isObject()) {
            return false;
        }
        // schema.FromAPIVersionAndKind: an empty or malformed apiVersion is the empty group
        String apiVersion = ref.path("apiVersion").asText("");
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String versionName = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        String kind = ref.path("kind").asText("");
        String name = ref.path("name").asText("");
        ObjectNode object;
        boolean pod = false;
        if (group.isEmpty() && kind.equals("Pod")) {
            object = registry.coreStore("pods").get(call.namespace(), name);
            String podAccount = StoredObjects.text(object, "spec", "serviceAccountName");
            if (!call.name().equals(podAccount)) {
                throw StatusException.badRequest("cannot bind token for serviceaccount \"" + call.name()
                        + "\" to pod running with different serviceaccount name.");
            }
            kubernetes.set("pod", reference(object));
            String nodeName = StoredObjects.text(object, "spec", "nodeName");
            if (!nodeName.isEmpty()) {
                ObjectNode nodeRef = JsonNodeFactory.instance.objectNode().put("name", nodeName);
                try {
                    nodeRef = reference(registry.coreStore("nodes").get("", nodeName));
                } catch (StatusException e) {
                    if (e.code() != 404) {
                        throw e;
                    }
                    // a missing node still leaves its name in the claims, as the reference does
                }
                kubernetes.set("node", nodeRef);
            }
            pod = true;
        } else if (group.isEmpty() && kind.equals("Node")) {
            object = registry.coreStore("nodes").get("", name);
            kubernetes.set("node", reference(object));
        } else if (group.isEmpty() && kind.equals("Secret")) {
            object = registry.coreStore("secrets").get(call.namespace(), name);
            kubernetes.set("secret", reference(object));
        } else {
            throw StatusException.badRequest("cannot bind token to object of type " + group + "/"
                    + versionName + ", Kind=" + kind);
        }
        String uid = ref.path("uid").asText("");
        if (!uid.isEmpty() && !uid.equals(StoredObjects.text(object, "metadata", "uid"))) {
            throw StatusException.conflict(new GroupResource(group, kind), name,
                    "the UID in the bound object reference (" + uid + ") does not match the UID in record."
                            + " The object might have been deleted and then recreated");
        }
        return pod;
    }

    /** {@code {"name":..,"uid":..}} of an object, as the token's private claims name it. */
    private static ObjectNode reference(JsonNode object) {
        ObjectNode ref = JsonNodeFactory.instance.objectNode();
        ref.put("name", StoredObjects.text(object, "metadata", "name"));
        String uid = StoredObjects.text(object, "metadata", "uid");
        if (!uid.isEmpty()) {
            ref.put("uid", uid);
        }
        return ref;
    }
}
