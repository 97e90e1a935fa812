package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.request.RequestUser;
import dev.caravel.apiserver.schema.GroupVersionKind;

/**
 * A create that is answered, never stored as itself: token requests, token and access reviews,
 * pod bindings (which change the pod). Kubernetes' {@code rest.Creater} and
 * {@code rest.NamedCreater} implementations that have no store of their own.
 *
 * <p>{@link RestHandler} decodes the body into {@link #bodyKind()} (JSON, YAML or protobuf), runs
 * field validation and makes the body's namespace the URL's before calling {@link #create}.
 */
interface AnsweredCreate {

    /** The kind the request body must be. */
    GroupVersionKind bodyKind();

    /** Answers one create; throws {@code StatusException} for a request it refuses. */
    Answer create(Call call);

    /**
     * @param namespace the URL's namespace ("" for cluster-scoped resources)
     * @param name      the URL's name ("" when the URL names a collection)
     * @param body      the decoded body, owned by this call
     * @param user      who asks (reviews about oneself answer for this user)
     */
    record Call(String namespace, String name, ObjectNode body, boolean dryRun, RequestUser user) {}

    /** The HTTP code and the object answered. */
    record Answer(int code, JsonNode body) {
        static Answer created(JsonNode body) {
            return new Answer(201, body);
        }
    }
}
