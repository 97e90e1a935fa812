package dev.caravel.apiserver.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.StatusException;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of a delete or deletecollection, metav1.DeleteOptions. As in Kubernetes' handler
 * they come from the body when there is one (kubectl and client-go send them there) and from the
 * query otherwise, never merged; then they are validated (422
 * {@code DeleteOptions.meta.k8s.io "" is invalid: ...}).
 *
 * @param gracePeriodSeconds null when not given (the resource's default applies)
 * @param orphanDependents   the deprecated predecessor of propagationPolicy; null when not given
 * @param propagationPolicy  null when not given
 */
public record DeleteOptions(Long gracePeriodSeconds, Preconditions preconditions, Boolean orphanDependents,
                            PropagationPolicy propagationPolicy, boolean dryRun) {

    private static final GroupKind KIND = new GroupKind(GroupKind.META_GROUP, "DeleteOptions");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SUPPORTED_POLICIES = List.of("Foreground", "Background", "Orphan", "nil");

    public DeleteOptions {
        preconditions = preconditions == null ? Preconditions.NONE : preconditions;
    }

    public static DeleteOptions defaults() {
        return new DeleteOptions(null, Preconditions.NONE, null, null, false);
    }

    /**
     * Reads the options of a delete request.
     *
     * @param body the request body, null or empty when there is none (JSON; YAML bodies are
     *             converted to JSON by the caller)
     * @throws StatusException 400 for a malformed body or parameter, 422 for invalid options
     */
    public static DeleteOptions read(QueryParameters query, byte[] body) {
        if (body != null && body.length > 0) {
            return fromBody(body);
        }
        String policy = query.first("propagationPolicy");
        return validated(QueryValues.optionalInt64(query, "gracePeriodSeconds"), Preconditions.NONE,
                QueryValues.optionalBool(query, "orphanDependents"), policy, query.all("dryRun"));
    }

    private static DeleteOptions fromBody(byte[] body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw StatusException.badRequest("invalid DeleteOptions body: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw StatusException.badRequest("invalid DeleteOptions body: " + e.getMessage());
        }
        if (node == null || node.isNull()) {
            return validated(null, Preconditions.NONE, null, null, List.of());
        }
        if (!node.isObject()) {
            throw StatusException.badRequest("json: cannot unmarshal " + jsonType(node) + " into Go value of type v1.DeleteOptions");
        }
        JsonNode kind = node.get("kind");
        if (kind != null && !kind.isNull() && !kind.asText().isEmpty() && !kind.asText().equals("DeleteOptions")) {
            throw StatusException.badRequest("decoded object cannot be converted to DeleteOptions");
        }
        Long grace = null;
        JsonNode g = node.get("gracePeriodSeconds");
        if (g != null && !g.isNull()) {
            if (!g.isIntegralNumber() || !g.canConvertToLong()) {
                throw typeError(g, "gracePeriodSeconds", "int64");
            }
            grace = g.longValue();
        }
        Preconditions preconditions = Preconditions.NONE;
        JsonNode p = node.get("preconditions");
        if (p != null && !p.isNull()) {
            if (!p.isObject()) {
                throw typeError(p, "preconditions", "v1.Preconditions");
            }
            preconditions = new Preconditions(optionalText(p, "uid", "preconditions.uid", "types.UID"),
                    optionalText(p, "resourceVersion", "preconditions.resourceVersion", "string"));
        }
        Boolean orphan = null;
        JsonNode o = node.get("orphanDependents");
        if (o != null && !o.isNull()) {
            if (!o.isBoolean()) {
                throw typeError(o, "orphanDependents", "bool");
            }
            orphan = o.booleanValue();
        }
        String policy = optionalText(node, "propagationPolicy", "propagationPolicy", "v1.DeletionPropagation");
        List<String> dryRun = new ArrayList<>();
        JsonNode d = node.get("dryRun");
        if (d != null && !d.isNull()) {
            if (!d.isArray()) {
                throw typeError(d, "dryRun", "[]string");
            }
            for (JsonNode v : d) {
                if (!v.isTextual()) {
                    throw typeError(v, "dryRun", "string");
                }
                dryRun.add(v.textValue());
            }
        }
        return validated(grace, preconditions, orphan, policy, dryRun);
    }

    private static DeleteOptions validated(Long grace, Preconditions preconditions, Boolean orphan, String policy,
                                           List<String> dryRun) {
        List<FieldError> errors = new ArrayList<>();
        PropagationPolicy propagation = policy == null ? null : PropagationPolicy.fromWireName(policy);
        if (orphan != null && policy != null) {
            errors.add(FieldError.invalid(FieldPath.of("propagationPolicy"), policy,
                    "orphanDependents and deletionPropagation cannot be both set"));
        }
        if (policy != null && propagation == null) {
            errors.add(FieldError.notSupported(FieldPath.of("propagationPolicy"), policy, SUPPORTED_POLICIES));
        }
        WriteOptionRules.dryRun(dryRun, errors);
        if (!errors.isEmpty()) {
            throw StatusException.invalid(KIND, "", errors);
        }
        return new DeleteOptions(grace, preconditions, orphan, propagation, !dryRun.isEmpty());
    }

    private static String optionalText(JsonNode parent, String member, String fieldName, String goType) {
        JsonNode v = parent.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw typeError(v, fieldName, goType);
        }
        return v.textValue();
    }

    /** The error Go's encoding/json gives for a member of the wrong JSON type. */
    private static StatusException typeError(JsonNode value, String field, String goType) {
        return StatusException.badRequest("json: cannot unmarshal " + jsonType(value)
                + " into Go struct field DeleteOptions." + field + " of type " + goType);
    }

    private static String jsonType(JsonNode v) {
        if (v.isTextual()) {
            return "string";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        if (v.isArray()) {
            return "array";
        }
        return "object";
    }

    /**
     * The policy in effect: the explicit one, else the deprecated orphanDependents flag, else null
     * for the resource's default (Background for most, Orphan for a few legacy workloads).
     */
    public PropagationPolicy effectivePropagation() {
        if (propagationPolicy != null) {
            return propagationPolicy;
        }
        if (orphanDependents != null) {
            return orphanDependents ? PropagationPolicy.ORPHAN : PropagationPolicy.BACKGROUND;
        }
        return null;
    }
}
