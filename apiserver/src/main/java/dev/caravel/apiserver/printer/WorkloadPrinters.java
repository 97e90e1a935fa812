package dev.caravel.apiserver.printer;

import static dev.caravel.apiserver.printer.CorePrinters.age;
import static dev.caravel.apiserver.printer.CorePrinters.name;
import static dev.caravel.apiserver.printer.Fields.at;
import static dev.caravel.apiserver.printer.Fields.elements;
import static dev.caravel.apiserver.printer.Fields.number;
import static dev.caravel.apiserver.printer.Fields.present;
import static dev.caravel.apiserver.printer.Fields.text;
import static dev.caravel.apiserver.printer.Fields.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Printers of apps/v1 and batch/v1. */
final class WorkloadPrinters {

    private static final TableColumn CONTAINERS = TableColumn.string("Containers", Descriptions.CONTAINERS).wide();
    private static final TableColumn IMAGES = TableColumn.string("Images", Descriptions.IMAGES).wide();
    private static final TableColumn SELECTOR = TableColumn.string("Selector", Descriptions.SELECTOR).wide();

    private WorkloadPrinters() {
    }

    /** spec.replicas; storage defaults it to 1, so an absent value reads as that default. */
    private static long replicas(ObjectNode object) {
        JsonNode replicas = at(object, "spec", "replicas");
        return replicas.isNumber() ? replicas.asLong() : 1;
    }

    static ResourcePrinter deployments() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Ready", "Ready pods out of desired."),
                        TableColumn.string("Up-to-date", "Pods running the latest template."),
                        TableColumn.string("Available", "Pods available to serve."),
                        TableColumn.age(), CONTAINERS, IMAGES, SELECTOR),
                (o, now) -> {
                    String[] containers = Fields.containersAndImages(at(o, "spec", "template", "spec"));
                    String selector = Fields.selectorString(at(o, "spec", "selector"));
                    return List.of(name(o), number(o, "status", "readyReplicas") + "/" + replicas(o),
                            number(o, "status", "updatedReplicas"), number(o, "status", "availableReplicas"),
                            age(o, now), containers[0], containers[1], selector == null ? "<invalid>" : selector);
                });
    }

    static ResourcePrinter replicaSets() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.integer("Desired", "Pods wanted."),
                        TableColumn.integer("Current", "Pods that exist."),
                        TableColumn.integer("Ready", "Pods that are ready."),
                        TableColumn.age(), CONTAINERS, IMAGES, SELECTOR),
                (o, now) -> {
                    String[] containers = Fields.containersAndImages(at(o, "spec", "template", "spec"));
                    return List.of(name(o), replicas(o), number(o, "status", "replicas"),
                            number(o, "status", "readyReplicas"), age(o, now), containers[0], containers[1],
                            Fields.formatLabelSelector(at(o, "spec", "selector")));
                });
    }

    static ResourcePrinter statefulSets() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(), TableColumn.string("Ready", "Ready pods out of desired."),
                        TableColumn.age(), CONTAINERS, IMAGES),
                (o, now) -> {
                    String[] containers = Fields.containersAndImages(at(o, "spec", "template", "spec"));
                    return List.of(name(o), number(o, "status", "readyReplicas") + "/" + replicas(o), age(o, now),
                            containers[0], containers[1]);
                });
    }

    static ResourcePrinter daemonSets() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.integer("Desired", "Nodes that should run the pod."),
                        TableColumn.integer("Current", "Nodes running the pod."),
                        TableColumn.integer("Ready", "Nodes whose pod is ready."),
                        TableColumn.integer("Up-to-date", "Nodes running the latest template."),
                        TableColumn.integer("Available", "Nodes whose pod is available."),
                        TableColumn.string("Node Selector", "Labels a node needs to run the pod."),
                        TableColumn.age(), CONTAINERS, IMAGES, SELECTOR),
                (o, now) -> {
                    JsonNode status = o.path("status");
                    String[] containers = Fields.containersAndImages(at(o, "spec", "template", "spec"));
                    return List.of(name(o), number(status, "desiredNumberScheduled"),
                            number(status, "currentNumberScheduled"), number(status, "numberReady"),
                            number(status, "updatedNumberScheduled"), number(status, "numberAvailable"),
                            Fields.formatLabels(at(o, "spec", "template", "spec", "nodeSelector")), age(o, now),
                            containers[0], containers[1], Fields.formatLabelSelector(at(o, "spec", "selector")));
                });
    }

    static ResourcePrinter jobs() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Status", "Running, Complete, Failed, Suspended..."),
                        TableColumn.string("Completions", "Succeeded pods out of completions wanted."),
                        TableColumn.string("Duration", "How long the job ran, or has been running."),
                        TableColumn.age(), CONTAINERS, IMAGES, SELECTOR),
                WorkloadPrinters::jobCells);
    }

    private static List<Object> jobCells(ObjectNode job, Instant now) {
        JsonNode spec = job.path("spec");
        JsonNode status = job.path("status");
        long succeeded = number(status, "succeeded");
        String completions;
        if (present(spec, "completions")) {
            completions = succeeded + "/" + number(spec, "completions");
        } else {
            long parallelism = number(spec, "parallelism");
            completions = parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
        }
        Instant start = time(status, "startTime");
        Instant completion = time(status, "completionTime");
        String duration = "";
        if (start != null) {
            duration = HumanDuration.format(Duration.between(start, completion == null ? now : completion));
        }
        String state;
        if (hasTrueCondition(status, "Complete")) {
            state = "Complete";
        } else if (hasTrueCondition(status, "Failed")) {
            state = "Failed";
        } else if (present(job, "metadata", "deletionTimestamp")) {
            state = "Terminating";
        } else if (hasTrueCondition(status, "Suspended")) {
            state = "Suspended";
        } else if (hasTrueCondition(status, "FailureTarget")) {
            state = "FailureTarget";
        } else {
            state = "Running";
        }
        String[] containers = Fields.containersAndImages(at(spec, "template", "spec"));
        return List.of(name(job), state, completions, duration, age(job, now), containers[0], containers[1],
                Fields.formatLabelSelector(spec.path("selector")));
    }

    /** The first condition of that type decides, as Kubernetes' hasJobCondition does. */
    private static boolean hasTrueCondition(JsonNode status, String type) {
        for (JsonNode condition : elements(status, "conditions")) {
            if (text(condition, "type").equals(type)) {
                return text(condition, "status").equals("True");
            }
        }
        return false;
    }

    static ResourcePrinter cronJobs() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Schedule", "The cron schedule."),
                        TableColumn.string("Timezone", "The time zone of the schedule."),
                        TableColumn.bool("Suspend", "Whether new runs are suspended."),
                        TableColumn.integer("Active", "Jobs running now."),
                        TableColumn.string("Last Schedule", "How long ago a job was last scheduled."),
                        TableColumn.age(), CONTAINERS, IMAGES, SELECTOR),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    Instant last = time(o, "status", "lastScheduleTime");
                    JsonNode suspend = spec.path("suspend");
                    String suspended = suspend.isBoolean() ? (suspend.asBoolean() ? "True" : "False") : "<unset>";
                    JsonNode jobSpec = at(spec, "jobTemplate", "spec");
                    String[] containers = Fields.containersAndImages(at(jobSpec, "template", "spec"));
                    return List.of(name(o), text(spec, "schedule"),
                            present(spec, "timeZone") ? text(spec, "timeZone") : "<none>", suspended,
                            (long) Fields.size(o, "status", "active"),
                            last == null ? "<none>" : HumanDuration.since(last, now), age(o, now),
                            containers[0], containers[1], Fields.formatLabelSelector(jobSpec.path("selector")));
                });
    }
}
