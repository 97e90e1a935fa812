package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.NameValidation;
import dev.caravel.apiserver.selection.Labels;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Pods and pod templates, after Kubernetes' core validation (ValidatePodSpec, ValidatePodUpdate).
 *
 * <p>Fields Kubernetes defaults before validating (restartPolicy, dnsPolicy, a port's protocol,
 * imagePullPolicy) are checked only when present: an absent one would have been defaulted to a
 * valid value.
 */
final class PodValidation implements TypeValidator {

    static final String PORT_RANGE = "must be between 1 and 65535, inclusive";
    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final List<String> DNS_POLICIES = List.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None");
    private static final long MAX_INT32 = Integer.MAX_VALUE;

    /** The fields a pod update may change, as ValidatePodUpdate lists them in its refusal. */
    static final String POD_UPDATE_FORBIDDEN = "pod updates may not change fields other than "
            + "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
            + "`spec.tolerations` (only additions to existing tolerations),"
            + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    private static final Pattern PORT_NAME_CHARS = Pattern.compile("^[-a-z0-9]+$");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

    @Override
    public List<FieldError> validate(JsonNode pod) {
        return validateSpec(JsonFields.at(pod, "spec"), FieldPath.of("spec"));
    }

    /** ValidatePodTemplateSpec: the template's labels and annotations, then its spec. */
    static List<FieldError> validateTemplate(JsonNode template, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode meta = JsonFields.at(template, "metadata");
        errors.addAll(Labels.validate(JsonFields.stringMap(meta, "labels"), path.child("labels")));
        errors.addAll(ObjectMetaValidator.validateAnnotations(JsonFields.stringMap(meta, "annotations"),
                path.child("annotations")));
        errors.addAll(validateSpec(JsonFields.at(template, "spec"), path.child("spec")));
        return errors;
    }

    static List<FieldError> validateSpec(JsonNode spec, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> volumes = new HashSet<>();
        List<JsonNode> volumeList = JsonFields.list(spec, "volumes");
        for (int i = 0; i < volumeList.size(); i++) {
            JsonNode volume = volumeList.get(i);
            FieldPath at = path.child("volumes").index(i);
            String name = JsonFields.text(volume, "name");
            if (name.isEmpty()) {
                errors.add(FieldError.required(at.child("name"), ""));
            } else {
                for (String msg : NameValidation.dns1123Label(name)) {
                    errors.add(FieldError.invalid(at.child("name"), name, msg));
                }
                if (!volumes.add(name)) {
                    errors.add(FieldError.duplicate(at.child("name"), name));
                }
            }
            if (volume.isObject() && volume.size() - (volume.has("name") ? 1 : 0) == 0) {
                errors.add(FieldError.required(at, "must specify a volume type"));
            }
        }
        List<JsonNode> containers = JsonFields.list(spec, "containers");
        Set<String> containerNames = new HashSet<>();
        if (containers.isEmpty()) {
            errors.add(FieldError.required(path.child("containers"), ""));
        }
        validateContainers(containers, path.child("containers"), containerNames, volumes, errors);
        validateContainers(JsonFields.list(spec, "initContainers"), path.child("initContainers"), containerNames,
                volumes, errors);
        String restartPolicy = JsonFields.text(spec, "restartPolicy");
        if (JsonFields.present(spec.get("restartPolicy")) && !RESTART_POLICIES.contains(restartPolicy)) {
            errors.add(restartPolicy.isEmpty()
                    ? FieldError.required(path.child("restartPolicy"), "")
                    : FieldError.notSupported(path.child("restartPolicy"), restartPolicy, RESTART_POLICIES));
        }
        String dnsPolicy = JsonFields.text(spec, "dnsPolicy");
        if (!dnsPolicy.isEmpty() && !DNS_POLICIES.contains(dnsPolicy)) {
            errors.add(FieldError.notSupported(path.child("dnsPolicy"), dnsPolicy, DNS_POLICIES));
        }
        Long deadline = JsonFields.integer(spec, "activeDeadlineSeconds");
        if (deadline != null && (deadline <= 0 || deadline > MAX_INT32)) {
            errors.add(FieldError.invalid(path.child("activeDeadlineSeconds"), deadline,
                    "must be between 1 and 2147483647, inclusive"));
        }
        errors.addAll(Labels.validate(JsonFields.stringMap(spec, "nodeSelector"), path.child("nodeSelector")));
        return errors;
    }

    private static void validateContainers(List<JsonNode> containers, FieldPath path, Set<String> names,
                                           Set<String> volumes, List<FieldError> errors) {
        for (int i = 0; i < containers.size(); i++) {
            JsonNode c = containers.get(i);
            FieldPath at = path.index(i);
            String name = JsonFields.text(c, "name");
            if (name.isEmpty()) {
                errors.add(FieldError.required(at.child("name"), ""));
            } else {
                for (String msg : NameValidation.dns1123Label(name)) {
                    errors.add(FieldError.invalid(at.child("name"), name, msg));
                }
                if (!names.add(name)) {
                    errors.add(FieldError.duplicate(at.child("name"), name));
                }
            }
            String image = JsonFields.text(c, "image");
            if (image.isEmpty()) {
                errors.add(FieldError.required(at.child("image"), ""));
            } else if (!image.equals(image.strip())) {
                errors.add(FieldError.invalid(at.child("image"), image, "must not have leading or trailing whitespace"));
            }
            validatePorts(JsonFields.list(c, "ports"), at.child("ports"), errors);
            validateResources(JsonFields.at(c, "resources"), at.child("resources"), errors);
            List<JsonNode> env = JsonFields.list(c, "env");
            for (int e = 0; e < env.size(); e++) {
                if (JsonFields.text(env.get(e), "name").isEmpty()) {
                    errors.add(FieldError.required(at.child("env").index(e).child("name"), ""));
                }
            }
            List<JsonNode> mounts = JsonFields.list(c, "volumeMounts");
            for (int m = 0; m < mounts.size(); m++) {
                FieldPath mountPath = at.child("volumeMounts").index(m);
                String mountName = JsonFields.text(mounts.get(m), "name");
                if (mountName.isEmpty()) {
                    errors.add(FieldError.required(mountPath.child("name"), ""));
                } else if (!volumes.contains(mountName)) {
                    errors.add(FieldError.notFound(mountPath.child("name"), mountName));
                }
                if (JsonFields.text(mounts.get(m), "mountPath").isEmpty()) {
                    errors.add(FieldError.required(mountPath.child("mountPath"), ""));
                }
            }
            String pullPolicy = JsonFields.text(c, "imagePullPolicy");
            if (!pullPolicy.isEmpty() && !PULL_POLICIES.contains(pullPolicy)) {
                errors.add(FieldError.notSupported(at.child("imagePullPolicy"), pullPolicy, PULL_POLICIES));
            }
        }
    }

    private static void validatePorts(List<JsonNode> ports, FieldPath path, List<FieldError> errors) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.get(i);
            FieldPath at = path.index(i);
            String name = JsonFields.text(port, "name");
            if (!name.isEmpty()) {
                List<String> problems = portNameProblems(name);
                if (!problems.isEmpty()) {
                    problems.forEach(msg -> errors.add(FieldError.invalid(at.child("name"), name, msg)));
                } else if (!names.add(name)) {
                    errors.add(FieldError.duplicate(at.child("name"), name));
                }
            }
            Long containerPort = JsonFields.integer(port, "containerPort");
            if (containerPort == null || containerPort == 0) {
                errors.add(FieldError.required(at.child("containerPort"), ""));
            } else if (!validPort(containerPort)) {
                errors.add(FieldError.invalid(at.child("containerPort"), containerPort, PORT_RANGE));
            }
            Long hostPort = JsonFields.integer(port, "hostPort");
            if (hostPort != null && hostPort != 0 && !validPort(hostPort)) {
                errors.add(FieldError.invalid(at.child("hostPort"), hostPort, PORT_RANGE));
            }
            String protocol = JsonFields.text(port, "protocol");
            if (!protocol.isEmpty() && !PROTOCOLS.contains(protocol)) {
                errors.add(FieldError.notSupported(at.child("protocol"), protocol, PROTOCOLS));
            }
        }
    }

    /**
     * ValidateResourceRequirements' most met rule: a request above its limit. Kubernetes reports it
     * at the requests map, showing both quantities.
     */
    private static void validateResources(JsonNode resources, FieldPath path, List<FieldError> errors) {
        JsonNode limits = JsonFields.at(resources, "limits");
        for (Iterator<Map.Entry<String, JsonNode>> it = JsonFields.at(resources, "requests").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> request = it.next();
            JsonNode limit = limits.get(request.getKey());
            if (limit == null) {
                continue;
            }
            BigDecimal requested = SchemaValidator.quantityValue(request.getValue().asText());
            BigDecimal allowed = SchemaValidator.quantityValue(limit.asText());
            if (requested != null && allowed != null && requested.compareTo(allowed) > 0) {
                errors.add(FieldError.invalid(path.child("requests"), request.getValue().asText(),
                        "must be less than or equal to " + request.getKey() + " limit of " + limit.asText()));
            }
        }
    }

    static boolean validPort(long port) {
        return port >= 1 && port <= 65535;
    }

    /** IsValidPortName: an IANA service name, at most 15 characters with a letter and no double dash. */
    static List<String> portNameProblems(String name) {
        List<String> errors = new ArrayList<>();
        if (name.length() > 15) {
            errors.add("must be no more than 15 characters");
        }
        if (!PORT_NAME_CHARS.matcher(name).matches()) {
            errors.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }
        if (!HAS_LETTER.matcher(name).matches()) {
            errors.add("must contain at least one letter (a-z)");
        }
        if (name.contains("--")) {
            errors.add("must not contain consecutive hyphens");
        }
        if (!name.isEmpty() && (name.charAt(0) == '-' || name.charAt(name.length() - 1) == '-')) {
            errors.add("must not begin or end with a hyphen");
        }
        return errors;
    }

    /**
     * ValidatePodUpdate: the spec may change only in its containers' images, activeDeadlineSeconds
     * (set, or lowered), tolerations (added) and a negative terminationGracePeriodSeconds set to 1.
     * Everything else is compared after those are put back to their old values.
     */
    @Override
    public List<FieldError> validateUpdate(JsonNode pod, JsonNode oldPod) {
        List<FieldError> errors = new ArrayList<>();
        FieldPath spec = FieldPath.of("spec");
        JsonNode newSpec = JsonFields.at(pod, "spec");
        JsonNode oldSpec = JsonFields.at(oldPod, "spec");
        Long deadline = JsonFields.integer(newSpec, "activeDeadlineSeconds");
        Long oldDeadline = JsonFields.integer(oldSpec, "activeDeadlineSeconds");
        if (deadline != null) {
            if (deadline < 0 || deadline > MAX_INT32) {
                errors.add(FieldError.invalid(spec.child("activeDeadlineSeconds"), deadline,
                        "must be between 0 and 2147483647, inclusive"));
                return errors;
            }
            if (oldDeadline != null && oldDeadline < deadline) {
                errors.add(FieldError.invalid(spec.child("activeDeadlineSeconds"), deadline,
                        "must be less than or equal to previous value"));
                return errors;
            }
        } else if (oldDeadline != null) {
            errors.add(FieldError.invalid(spec.child("activeDeadlineSeconds"), null,
                    "must not update from a positive integer to nil value"));
        }
        List<FieldError> tolerationErrors = onlyAddedTolerations(JsonFields.list(newSpec, "tolerations"),
                JsonFields.list(oldSpec, "tolerations"), spec.child("tolerations"));
        errors.addAll(tolerationErrors);

        ObjectNode munged = newSpec.isObject() ? ((ObjectNode) newSpec).deepCopy()
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (String list : List.of("containers", "initContainers")) {
            JsonNode mungedList = munged.get(list);
            JsonNode oldList = oldSpec.get(list);
            if (mungedList != null && mungedList.isArray() && oldList != null && oldList.isArray()) {
                for (int i = 0; i < mungedList.size() && i < oldList.size(); i++) {
                    if (mungedList.get(i).isObject()) {
                        copyField((ObjectNode) mungedList.get(i), oldList.get(i), "image");
                    }
                }
            }
        }
        copyField(munged, oldSpec, "activeDeadlineSeconds");
        if (tolerationErrors.isEmpty()) {
            copyField(munged, oldSpec, "tolerations");
        }
        Long grace = JsonFields.integer(newSpec, "terminationGracePeriodSeconds");
        Long oldGrace = JsonFields.integer(oldSpec, "terminationGracePeriodSeconds");
        if (oldGrace != null && oldGrace < 0 && grace != null && grace == 1) {
            copyField(munged, oldSpec, "terminationGracePeriodSeconds");
        }
        JsonNode before = oldSpec.isObject() && oldSpec.isEmpty() ? null : oldSpec;
        if (!JsonFields.sameJson(munged.isEmpty() ? null : munged, before)) {
            errors.add(FieldError.forbidden(spec, POD_UPDATE_FORBIDDEN + "\n" + specDiff(oldSpec, munged)));
        }
        return errors;
    }

    private static void copyField(ObjectNode target, JsonNode source, String field) {
        JsonNode value = source == null ? null : source.get(field);
        if (value == null) {
            target.remove(field);
        } else {
            target.set(field, value.deepCopy());
        }
    }

    /** validateOnlyAddedTolerations: each old toleration must still be there, tolerationSeconds aside. */
    private static List<FieldError> onlyAddedTolerations(List<JsonNode> tolerations, List<JsonNode> old, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        for (JsonNode o : old) {
            boolean found = false;
            for (JsonNode t : tolerations) {
                if (sameTolerationIgnoringSeconds(o, t)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                errors.add(FieldError.forbidden(path, "existing toleration can not be modified except its tolerationSeconds"));
                return errors;
            }
        }
        return errors;
    }

    private static boolean sameTolerationIgnoringSeconds(JsonNode a, JsonNode b) {
        for (String f : List.of("key", "operator", "value", "effect")) {
            if (!Objects.equals(JsonFields.text(a, f), JsonFields.text(b, f))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A short account of what differs, in place of the Go struct diff Kubernetes appends (its
     * exact text depends on Go's internal types; no client reads it): one line per changed
     * top-level spec field, old value first.
     */
    private static String specDiff(JsonNode oldSpec, JsonNode newSpec) {
        Set<String> fields = new TreeSet<>();
        for (JsonNode spec : List.of(oldSpec, newSpec)) {
            for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
                fields.add(it.next().getKey());
            }
        }
        StringBuilder diff = new StringBuilder("  core.PodSpec{\n");
        for (String f : fields) {
            JsonNode o = oldSpec.get(f);
            JsonNode n = newSpec.get(f);
            if (!JsonFields.sameJson(o, n)) {
                if (o != null) {
                    diff.append("- \t").append(f).append(": ").append(o).append(",\n");
                }
                if (n != null) {
                    diff.append("+ \t").append(f).append(": ").append(n).append(",\n");
                }
            }
        }
        return diff.append("  }\n").toString();
    }
}
