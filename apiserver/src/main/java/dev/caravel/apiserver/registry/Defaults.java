package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The defaults Kubernetes' decoder sets on the most used built-in kinds (the generated
 * {@code SetDefaults_*} functions of core/v1, apps/v1 and batch/v1), applied to every object a
 * write stores, before validation, as Kubernetes applies them when it decodes a body. Idempotent:
 * a defaulted object is unchanged by a second pass, so an unchanged update stays a no-op.
 *
 * <p>Clients read them back: {@code kubectl describe} prints the strategy, helm's three-way merge
 * compares against them. Kinds not listed here are stored as sent.
 */
final class Defaults {

    private Defaults() {}

    static void apply(String group, String kind, ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : null;
        switch (group + "/" + kind) {
            case "/Pod" -> {
                if (spec != null) {
                    podSpec(spec, true);
                    putIfAbsent(spec, "enableServiceLinks", true);
                }
            }
            case "/Secret" -> putIfAbsent(object, "type", "Opaque");
            case "apiregistration.k8s.io/APIService" -> {
                // kube-aggregator's SetDefaults_ServiceReference: a service without a port is reached on 443.
                if (spec != null && spec.get("service") instanceof ObjectNode service) {
                    putIfAbsent(service, "port", 443);
                }
            }
            case "/Service" -> {
                if (spec != null) {
                    service(spec);
                }
            }
            case "apps/Deployment" -> {
                if (spec != null) {
                    putIfAbsent(spec, "replicas", 1);
                    if (!spec.has("strategy")) {
                        ObjectNode strategy = spec.putObject("strategy");
                        strategy.put("type", "RollingUpdate");
                    }
                    ObjectNode strategy = (ObjectNode) spec.get("strategy");
                    putIfAbsent(strategy, "type", "RollingUpdate");
                    if (strategy.path("type").asText().equals("RollingUpdate")) {
                        ObjectNode rolling = strategy.withObjectProperty("rollingUpdate");
                        putIfAbsent(rolling, "maxUnavailable", "25%");
                        putIfAbsent(rolling, "maxSurge", "25%");
                    }
                    putIfAbsent(spec, "revisionHistoryLimit", 10);
                    putIfAbsent(spec, "progressDeadlineSeconds", 600);
                    template(spec);
                }
            }
            case "apps/ReplicaSet" -> {
                if (spec != null) {
                    putIfAbsent(spec, "replicas", 1);
                    template(spec);
                }
            }
            case "apps/StatefulSet" -> {
                if (spec != null) {
                    putIfAbsent(spec, "replicas", 1);
                    putIfAbsent(spec, "podManagementPolicy", "OrderedReady");
                    if (!spec.has("updateStrategy")) {
                        spec.putObject("updateStrategy").put("type", "RollingUpdate");
                    }
                    ObjectNode update = (ObjectNode) spec.get("updateStrategy");
                    if (update.path("type").asText().equals("RollingUpdate")) {
                        putIfAbsent(update.withObjectProperty("rollingUpdate"), "partition", 0);
                    }
                    putIfAbsent(spec, "revisionHistoryLimit", 10);
                    ObjectNode retention = spec.withObjectProperty("persistentVolumeClaimRetentionPolicy");
                    putIfAbsent(retention, "whenDeleted", "Retain");
                    putIfAbsent(retention, "whenScaled", "Retain");
                    template(spec);
                }
            }
            case "apps/DaemonSet" -> {
                if (spec != null) {
                    if (!spec.has("updateStrategy")) {
                        spec.putObject("updateStrategy").put("type", "RollingUpdate");
                    }
                    ObjectNode update = (ObjectNode) spec.get("updateStrategy");
                    if (update.path("type").asText().equals("RollingUpdate")) {
                        ObjectNode rolling = update.withObjectProperty("rollingUpdate");
                        putIfAbsent(rolling, "maxUnavailable", 1);
                        putIfAbsent(rolling, "maxSurge", 0);
                    }
                    putIfAbsent(spec, "revisionHistoryLimit", 10);
                    template(spec);
                }
            }
            case "batch/Job" -> {
                if (spec != null) {
                    job(spec);
                }
            }
            case "batch/CronJob" -> {
                if (spec != null) {
                    putIfAbsent(spec, "concurrencyPolicy", "Allow");
                    putIfAbsent(spec, "suspend", false);
                    putIfAbsent(spec, "successfulJobsHistoryLimit", 3);
                    putIfAbsent(spec, "failedJobsHistoryLimit", 1);
                    if (spec.path("jobTemplate").get("spec") instanceof ObjectNode jobSpec) {
                        job(jobSpec);
                    }
                }
            }
            default -> { }
        }
    }

    private static void job(ObjectNode spec) {
        putIfAbsent(spec, "parallelism", 1);
        if (!spec.has("completions") && !"Indexed".equals(spec.path("completionMode").asText())) {
            spec.put("completions", 1);
        }
        putIfAbsent(spec, "backoffLimit", 6);
        putIfAbsent(spec, "completionMode", "NonIndexed");
        putIfAbsent(spec, "suspend", false);
        putIfAbsent(spec, "podReplacementPolicy", "TerminatingOrFailed");
        template(spec);
    }

    private static void template(ObjectNode spec) {
        if (spec.path("template").get("spec") instanceof ObjectNode podSpec) {
            podSpec(podSpec, false);
        }
    }

    private static void podSpec(ObjectNode spec, boolean pod) {
        putIfAbsent(spec, "restartPolicy", "Always");
        putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        if (!spec.has("securityContext")) {
            spec.putObject("securityContext");
        }
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode container : spec.path(list)) {
                if (container instanceof ObjectNode c) {
                    container(c);
                }
            }
        }
    }

    private static void container(ObjectNode container) {
        putIfAbsent(container, "terminationMessagePath", "/dev/termination-log");
        putIfAbsent(container, "terminationMessagePolicy", "File");
        if (!container.has("imagePullPolicy")) {
            container.put("imagePullPolicy", pullsAlways(container.path("image").asText()) ? "Always" : "IfNotPresent");
        }
        if (!container.has("resources")) {
            container.putObject("resources");
        }
        for (JsonNode port : container.path("ports")) {
            if (port instanceof ObjectNode p) {
                putIfAbsent(p, "protocol", "TCP");
            }
        }
    }

    /** Kubernetes pulls always for an image without a tag or tagged latest (and none by digest). */
    static boolean pullsAlways(String image) {
        if (image.contains("@")) {
            return false;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= slash) {
            return true;
        }
        return image.substring(colon + 1).equals("latest");
    }

    private static void service(ObjectNode spec) {
        putIfAbsent(spec, "type", "ClusterIP");
        putIfAbsent(spec, "sessionAffinity", "None");
        if (!spec.path("type").asText().equals("ExternalName")) {
            putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
        }
        for (JsonNode port : spec.path("ports")) {
            if (port instanceof ObjectNode p) {
                putIfAbsent(p, "protocol", "TCP");
                if (!p.has("targetPort") && p.has("port")) {
                    p.set("targetPort", p.get("port"));
                }
            }
        }
    }

    private static void putIfAbsent(ObjectNode node, String field, Object value) {
        if (node.hasNonNull(field)) {
            return;
        }
        switch (value) {
            case String s -> node.put(field, s);
            case Integer i -> node.put(field, i);
            case Boolean b -> node.put(field, b);
            default -> throw new IllegalArgumentException(value.getClass().getName());
        }
    }
}
