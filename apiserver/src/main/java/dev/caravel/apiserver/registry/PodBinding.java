package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StatusReason;
import dev.caravel.apiserver.request.Preconditions;
import dev.caravel.apiserver.schema.GroupVersionKind;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST .../pods/NAME/binding} and {@code POST .../bindings}: assigns a pod to a node, what a
 * scheduler does, as Kubernetes' BindingREST does it. The pod is written directly (not through the
 * pod strategy, whose update rules forbid changing spec.nodeName): spec.nodeName, the binding's
 * annotations, and the PodScheduled condition True. The binding's uid and resourceVersion, when
 * given, are preconditions on the pod. A pod already bound, being deleted or with scheduling gates
 * is a 409 Conflict on {@code pods/binding}; the answer is a Success Status.
 */
final class PodBinding implements AnsweredCreate {

    static final GroupVersionKind KIND = new GroupVersionKind("", "v1", "Binding");
    private static final GroupResource BINDING = GroupResource.core("pods/binding");

    private final Registry registry;
    private final Clock clock;

    PodBinding(Registry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public GroupVersionKind bodyKind() {
        return KIND;
    }

    @Override
    public Answer create(Call call) {
        ObjectNode binding = call.body();
        String name = StoredObjects.text(binding, "metadata", "name");
        // POST .../bindings names the pod in the body only
        String urlName = call.name().isEmpty() ? name : call.name();
        if (!urlName.equals(name)) {
            throw StatusException.badRequest("name in URL does not match name in Binding object");
        }
        validate(binding.path("target"));
        if (name.isEmpty()) {
            throw StatusException.badRequest("Name parameter required.");
        }
        String uid = StoredObjects.text(binding, "metadata", "uid");
        String resourceVersion = StoredObjects.text(binding, "metadata", "resourceVersion");
        Preconditions preconditions = new Preconditions(uid.isEmpty() ? null : uid,
                resourceVersion.isEmpty() ? null : resourceVersion);
        String node = binding.path("target").path("name").asText();
        JsonNode annotations = binding.path("metadata").path("annotations");
        registry.coreStore("pods").writeDirectly(call.namespace(), name, preconditions,
                pod -> bind(pod, node, annotations), call.dryRun());
        ObjectNode status = StoredObjects.JSON.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success");
        status.put("code", 201);
        return Answer.created(status);
    }

    /**
     * ValidatePodBinding. The reference returns these as a plain error, which its handler turns
     * into a 500 with the errors' text and no reason; Caravel answers the same.
     */
    private static void validate(JsonNode target) {
        List<FieldError> errors = new ArrayList<>();
        String kind = target.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals("Node")) {
            errors.add(FieldError.notSupported(FieldPath.of("target", "kind"), kind, List.of("Node", "<empty>")));
        }
        if (target.path("name").asText("").isEmpty()) {
            errors.add(FieldError.required(FieldPath.of("target", "name"), ""));
        }
        if (!errors.isEmpty()) {
            throw new StatusException(Status.failure(500, StatusReason.UNKNOWN, FieldError.aggregate(errors), null));
        }
    }

    private ObjectNode bind(ObjectNode pod, String node, JsonNode annotations) {
        String name = StoredObjects.text(pod, "metadata", "name");
        if (pod.path("metadata").hasNonNull("deletionTimestamp")) {
            throw StatusException.conflict(BINDING, name, "pod " + name + " is being deleted, cannot be assigned to a host");
        }
        String assigned = StoredObjects.text(pod, "spec", "nodeName");
        if (!assigned.isEmpty()) {
            throw StatusException.conflict(BINDING, name, "pod " + name + " is already assigned to node \"" + assigned + "\"");
        }
        if (!pod.path("spec").path("schedulingGates").isEmpty()) {
            throw StatusException.conflict(BINDING, name, "pod " + name + " has non-empty .spec.schedulingGates");
        }
        pod.withObjectProperty("spec").put("nodeName", node);
        if (annotations.isObject() && !annotations.isEmpty()) {
            ObjectNode podAnnotations = pod.withObjectProperty("metadata").withObjectProperty("annotations");
            annotations.fields().forEachRemaining(a -> podAnnotations.set(a.getKey(), a.getValue()));
        }
        setScheduledCondition(pod.withObjectProperty("status"));
        return pod;
    }

    /** podutil.UpdatePodCondition with PodScheduled True: the transition time moves only on a change of status. */
    private void setScheduledCondition(ObjectNode status) {
        ArrayNode conditions = status.withArrayProperty("conditions");
        String now = GenericStore.timestamp(clock.instant());
        for (JsonNode c : conditions) {
            if ("PodScheduled".equals(c.path("type").asText()) && c instanceof ObjectNode condition) {
                if (!"True".equals(condition.path("status").asText())) {
                    condition.put("lastTransitionTime", now);
                }
                condition.put("status", "True");
                condition.remove(List.of("reason", "message"));
                condition.putNull("lastProbeTime");
                return;
            }
        }
        ObjectNode condition = conditions.addObject();
        condition.put("type", "PodScheduled");
        condition.put("status", "True");
        condition.putNull("lastProbeTime");
        condition.put("lastTransitionTime", now);
    }
}
