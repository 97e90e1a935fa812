package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.NameValidation;
import dev.caravel.apiserver.selection.Labels;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * core/v1 Service, after ValidateService and ValidateServiceUpdate: ports (required unless
 * headless or ExternalName; named when several), the type, the external name, and a cluster IP
 * that never changes once set.
 */
final class ServiceValidation implements TypeValidator {

    /** Kubernetes lists them sorted. */
    private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    private static final List<String> SESSION_AFFINITIES = List.of("ClientIP", "None");

    @Override
    public List<FieldError> validate(JsonNode service) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode spec = JsonFields.at(service, "spec");
        FieldPath path = FieldPath.of("spec");
        String type = JsonFields.text(spec, "type");
        if (!type.isEmpty() && !TYPES.contains(type)) {
            errors.add(FieldError.notSupported(path.child("type"), type, TYPES));
        }
        boolean headless = "None".equals(JsonFields.text(spec, "clusterIP"));
        List<JsonNode> ports = JsonFields.list(spec, "ports");
        if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
            errors.add(FieldError.required(path.child("ports"), ""));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.get(i);
            FieldPath at = path.child("ports").index(i);
            String name = JsonFields.text(port, "name");
            if (ports.size() > 1 && name.isEmpty()) {
                errors.add(FieldError.required(at.child("name"), ""));
            } else if (!name.isEmpty()) {
                for (String msg : NameValidation.dns1123Label(name)) {
                    errors.add(FieldError.invalid(at.child("name"), name, msg));
                }
                if (!names.add(name)) {
                    errors.add(FieldError.duplicate(at.child("name"), name));
                }
            }
            long number = JsonFields.integer(port, "port") == null ? 0 : JsonFields.integer(port, "port");
            if (!PodValidation.validPort(number)) {
                errors.add(FieldError.invalid(at.child("port"), number, PodValidation.PORT_RANGE));
            }
            String protocol = JsonFields.text(port, "protocol");
            if (!protocol.isEmpty() && !PodValidation.PROTOCOLS.contains(protocol)) {
                errors.add(FieldError.notSupported(at.child("protocol"), protocol, PodValidation.PROTOCOLS));
            }
            JsonNode target = port.get("targetPort");
            if (target != null && target.isIntegralNumber()) {
                if (target.longValue() != 0 && !PodValidation.validPort(target.longValue())) {
                    errors.add(FieldError.invalid(at.child("targetPort"), target.longValue(), PodValidation.PORT_RANGE));
                }
            } else if (target != null && target.isTextual()) {
                for (String msg : PodValidation.portNameProblems(target.textValue())) {
                    errors.add(FieldError.invalid(at.child("targetPort"), target.textValue(), msg));
                }
            }
            Long nodePort = JsonFields.integer(port, "nodePort");
            if (nodePort != null && nodePort != 0) {
                if (type.isEmpty() || type.equals("ClusterIP")) {
                    errors.add(FieldError.forbidden(at.child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
                } else if (!PodValidation.validPort(nodePort)) {
                    errors.add(FieldError.invalid(at.child("nodePort"), nodePort, PodValidation.PORT_RANGE));
                }
            }
        }
        if (type.equals("ExternalName")) {
            String externalName = JsonFields.text(spec, "externalName");
            if (externalName.isEmpty()) {
                errors.add(FieldError.required(path.child("externalName"), ""));
            } else {
                // A fully qualified name may end with a dot.
                String clean = externalName.endsWith(".") ? externalName.substring(0, externalName.length() - 1) : externalName;
                for (String msg : NameValidation.dns1123Subdomain(clean)) {
                    errors.add(FieldError.invalid(path.child("externalName"), clean, msg));
                }
            }
        }
        String affinity = JsonFields.text(spec, "sessionAffinity");
        if (!affinity.isEmpty() && !SESSION_AFFINITIES.contains(affinity)) {
            errors.add(FieldError.notSupported(path.child("sessionAffinity"), affinity, SESSION_AFFINITIES));
        }
        errors.addAll(Labels.validate(JsonFields.stringMap(spec, "selector"), path.child("selector")));
        return errors;
    }

    /**
     * Allocated cluster IPs may not change (ValidateServiceClusterIPsRelatedFields): each changed
     * one is reported at its index, with the whole new list as the value. Kubernetes copies the
     * IPs from the stored Service when an update leaves them out, so only given, different values
     * are errors; a Service turning into an ExternalName releases its IPs.
     */
    @Override
    public List<FieldError> validateUpdate(JsonNode service, JsonNode old) {
        List<FieldError> errors = new ArrayList<>();
        if (JsonFields.text(service, "spec", "type").equals("ExternalName")) {
            return errors;
        }
        List<String> oldIps = clusterIps(old);
        List<String> newIps = clusterIps(service);
        if (oldIps.isEmpty() || newIps.isEmpty() || (oldIps.equals(List.of("None")) && newIps.equals(List.of("None")))) {
            return errors;
        }
        FieldPath path = FieldPath.of("spec", "clusterIPs");
        if (oldIps.size() == newIps.size()) {
            for (int i = 0; i < oldIps.size(); i++) {
                if (!oldIps.get(i).equals(newIps.get(i))) {
                    errors.add(FieldError.invalid(path.index(i), newIps, "may not change once set"));
                }
            }
        } else if (!oldIps.get(0).equals(newIps.get(0))) {
            // A second family added or released: the primary must stay.
            errors.add(FieldError.invalid(path.index(0), newIps, "may not change once set"));
        }
        return errors;
    }

    /** spec.clusterIPs, or the single spec.clusterIP when only that was sent. */
    private static List<String> clusterIps(JsonNode service) {
        List<String> ips = JsonFields.strings(service, "spec", "clusterIPs");
        if (!ips.isEmpty()) {
            return ips;
        }
        String ip = JsonFields.text(service, "spec", "clusterIP");
        return ip.isEmpty() ? List.of() : List.of(ip);
    }
}
