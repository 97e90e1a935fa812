package dev.caravel.apiserver.printer;

import static dev.caravel.apiserver.printer.Fields.bool;
import static dev.caravel.apiserver.printer.Fields.elements;
import static dev.caravel.apiserver.printer.Fields.number;
import static dev.caravel.apiserver.printer.Fields.present;
import static dev.caravel.apiserver.printer.Fields.text;
import static dev.caravel.apiserver.printer.Fields.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's row: READY, STATUS, RESTARTS and AGE exist nowhere in the pod itself, only in what the
 * server prints, so kubectl users read these exact strings.
 *
 * <p>STATUS is decided in this order, each step overriding the one before:
 * <ol>
 *   <li>the phase, or status.reason when set ("Evicted"); "SchedulingGated" when the PodScheduled
 *       condition says so;</li>
 *   <li>the first init container that has not finished: "Init:ErrImagePull", "Init:Error",
 *       "Init:ExitCode:1", "Init:Signal:9", or "Init:1/3" (sidecar init containers that have
 *       started count as finished);</li>
 *   <li>unless still initializing, the first container (walked last to first, so the first wins)
 *       that is waiting or terminated: its reason ("CrashLoopBackOff", "Completed"), else
 *       "ExitCode:N"/"Signal:N"; a "Completed" pod with a container still running is back to
 *       "Running" if the Ready condition holds, else "NotReady";</li>
 *   <li>being deleted: "Unknown" if the node was lost, "Terminating" unless already finished.</li>
 * </ol>
 * RESTARTS is "3" or, when a restarted container's last termination is known, "3 (5m ago)".
 * Restarts of ordinary init containers only count while the pod is still initializing.
 */
final class PodPrinter {

    static final List<TableColumn> COLUMNS = List.of(
            TableColumn.objectName(),
            TableColumn.string("Ready", "Ready containers out of all containers (sidecar init containers included)."),
            TableColumn.string("Status", "The pod's status summarized from its phase, conditions and container states."),
            TableColumn.string("Restarts", "Container restarts, with how long ago the last one happened."),
            TableColumn.age(),
            TableColumn.string("IP", "The pod's first IP address.").wide(),
            TableColumn.string("Node", "The node the pod is bound to.").wide(),
            TableColumn.string("Nominated Node", "The node preemption made room on, before binding.").wide(),
            TableColumn.string("Readiness Gates", "Readiness gates that hold, out of all declared.").wide());

    /** NodeUnreachablePodReason in Kubernetes: the node controller's reason for pods of a lost node. */
    private static final String NODE_LOST = "NodeLost";

    private PodPrinter() {
    }

    static ResourcePrinter printer() {
        return new ResourcePrinter(COLUMNS, PodPrinter::cells, PodPrinter::rowConditions);
    }

    static List<Object> cells(ObjectNode pod, Instant now) {
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        String phase = text(status, "phase");
        String reason = phase;
        if (!text(status, "reason").isEmpty()) {
            reason = text(status, "reason");
        }
        for (JsonNode condition : elements(status, "conditions")) {
            if (text(condition, "type").equals("PodScheduled") && text(condition, "reason").equals("SchedulingGated")) {
                reason = "SchedulingGated";
            }
        }

        int totalContainers = Fields.size(spec, "containers");
        int readyContainers = 0;
        Map<String, Boolean> restartableInit = new HashMap<>();
        List<JsonNode> initSpecs = elements(spec, "initContainers");
        for (JsonNode init : initSpecs) {
            boolean restartable = text(init, "restartPolicy").equals("Always");
            restartableInit.put(text(init, "name"), restartable);
            if (restartable) {
                totalContainers++;
            }
        }

        int restarts = 0;
        int sidecarRestarts = 0;
        Instant lastRestart = null;
        Instant lastSidecarRestart = null;
        boolean initializing = false;
        List<JsonNode> initStatuses = elements(status, "initContainerStatuses");
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode container = initStatuses.get(i);
            boolean restartable = restartableInit.getOrDefault(text(container, "name"), false);
            restarts += (int) number(container, "restartCount");
            Instant terminatedAt = lastTermination(container);
            lastRestart = later(lastRestart, terminatedAt);
            if (restartable) {
                sidecarRestarts += (int) number(container, "restartCount");
                lastSidecarRestart = later(lastSidecarRestart, terminatedAt);
            }
            JsonNode terminated = Fields.at(container, "state", "terminated");
            JsonNode waiting = Fields.at(container, "state", "waiting");
            boolean isTerminated = present(container, "state", "terminated");
            if (isTerminated && number(terminated, "exitCode") == 0) {
                continue;
            }
            if (restartable && bool(container, "started")) {
                if (bool(container, "ready")) {
                    readyContainers++;
                }
                continue;
            }
            if (isTerminated) {
                if (text(terminated, "reason").isEmpty()) {
                    reason = number(terminated, "signal") != 0
                            ? "Init:Signal:" + number(terminated, "signal")
                            : "Init:ExitCode:" + number(terminated, "exitCode");
                } else {
                    reason = "Init:" + text(terminated, "reason");
                }
            } else if (present(container, "state", "waiting") && !text(waiting, "reason").isEmpty()
                    && !text(waiting, "reason").equals("PodInitializing")) {
                reason = "Init:" + text(waiting, "reason");
            } else {
                reason = "Init:" + i + "/" + initSpecs.size();
            }
            initializing = true;
            break;
        }

        if (!initializing || hasCondition(status, "Initialized")) {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            boolean hasRunning = false;
            List<JsonNode> statuses = elements(status, "containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode container = statuses.get(i);
                restarts += (int) number(container, "restartCount");
                lastRestart = later(lastRestart, lastTermination(container));
                JsonNode waiting = Fields.at(container, "state", "waiting");
                JsonNode terminated = Fields.at(container, "state", "terminated");
                if (present(container, "state", "waiting") && !text(waiting, "reason").isEmpty()) {
                    reason = text(waiting, "reason");
                } else if (present(container, "state", "terminated") && !text(terminated, "reason").isEmpty()) {
                    reason = text(terminated, "reason");
                } else if (present(container, "state", "terminated")) {
                    reason = number(terminated, "signal") != 0
                            ? "Signal:" + number(terminated, "signal")
                            : "ExitCode:" + number(terminated, "exitCode");
                } else if (bool(container, "ready") && present(container, "state", "running")) {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            if (reason.equals("Completed") && hasRunning) {
                reason = hasCondition(status, "Ready") ? "Running" : "NotReady";
            }
        }

        boolean deleting = present(pod, "metadata", "deletionTimestamp");
        if (deleting && text(status, "reason").equals(NODE_LOST)) {
            reason = "Unknown";
        } else if (deleting && !phase.equals("Succeeded") && !phase.equals("Failed")) {
            reason = "Terminating";
        }

        String restartsText = Integer.toString(restarts);
        if (restarts != 0 && lastRestart != null) {
            restartsText = restarts + " (" + HumanDuration.since(lastRestart, now) + " ago)";
        }

        String podIp = "";
        List<JsonNode> podIps = elements(status, "podIPs");
        if (!podIps.isEmpty()) {
            podIp = text(podIps.get(0), "ip");
        }
        String readinessGates = "<none>";
        List<JsonNode> gates = elements(spec, "readinessGates");
        if (!gates.isEmpty()) {
            int holding = 0;
            for (JsonNode gate : gates) {
                String type = text(gate, "conditionType");
                for (JsonNode condition : elements(status, "conditions")) {
                    if (text(condition, "type").equals(type)) {
                        if (text(condition, "status").equals("True")) {
                            holding++;
                        }
                        break;
                    }
                }
            }
            readinessGates = holding + "/" + gates.size();
        }

        return List.of(
                text(pod, "metadata", "name"),
                readyContainers + "/" + totalContainers,
                reason,
                restartsText,
                HumanDuration.since(time(pod, "metadata", "creationTimestamp"), now),
                Fields.orDefault(podIp, "<none>"),
                Fields.orDefault(text(spec, "nodeName"), "<none>"),
                Fields.orDefault(text(status, "nominatedNodeName"), "<none>"),
                readinessGates);
    }

    /** Finished pods are marked so clients can tell them apart without reading STATUS. */
    static ArrayNode rowConditions(ObjectNode pod) {
        String phase = text(pod, "status", "phase");
        String message = switch (phase) {
            case "Succeeded" -> "The pod has completed successfully.";
            case "Failed" -> "The pod failed.";
            default -> null;
        };
        if (message == null) {
            return null;
        }
        ArrayNode conditions = JsonNodeFactory.instance.arrayNode();
        ObjectNode condition = conditions.addObject();
        condition.put("type", "Completed");
        condition.put("status", "True");
        condition.put("reason", phase);
        condition.put("message", message);
        return conditions;
    }

    private static boolean hasCondition(JsonNode status, String type) {
        for (JsonNode condition : elements(status, "conditions")) {
            if (text(condition, "type").equals(type) && text(condition, "status").equals("True")) {
                return true;
            }
        }
        return false;
    }

    private static Instant lastTermination(JsonNode containerStatus) {
        if (!present(containerStatus, "lastState", "terminated")) {
            return null;
        }
        return time(containerStatus, "lastState", "terminated", "finishedAt");
    }

    private static Instant later(Instant current, Instant candidate) {
        if (candidate == null) {
            return current;
        }
        return current == null || current.isBefore(candidate) ? candidate : current;
    }
}
