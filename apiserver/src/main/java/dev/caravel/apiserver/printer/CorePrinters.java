package dev.caravel.apiserver.printer;

import static dev.caravel.apiserver.printer.Fields.at;
import static dev.caravel.apiserver.printer.Fields.elements;
import static dev.caravel.apiserver.printer.Fields.number;
import static dev.caravel.apiserver.printer.Fields.orDefault;
import static dev.caravel.apiserver.printer.Fields.present;
import static dev.caravel.apiserver.printer.Fields.size;
import static dev.caravel.apiserver.printer.Fields.text;
import static dev.caravel.apiserver.printer.Fields.time;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** Printers of the core (v1) group, pods aside ({@link PodPrinter}). */
final class CorePrinters {

    private CorePrinters() {
    }

    static String name(ObjectNode object) {
        return text(object, "metadata", "name");
    }

    static String age(ObjectNode object, Instant now) {
        return HumanDuration.since(time(object, "metadata", "creationTimestamp"), now);
    }

    static ResourcePrinter namespaces() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(), TableColumn.string("Status", "The namespace's phase."), TableColumn.age()),
                (o, now) -> List.of(name(o), text(o, "status", "phase"), age(o, now)));
    }

    static ResourcePrinter configMaps() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(), TableColumn.string("Data", "Number of keys in data and binaryData."),
                        TableColumn.age()),
                (o, now) -> List.of(name(o), (long) (size(o, "data") + size(o, "binaryData")), age(o, now)));
    }

    static ResourcePrinter secrets() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(), TableColumn.string("Type", "The secret's type."),
                        TableColumn.string("Data", "Number of keys in data."), TableColumn.age()),
                (o, now) -> List.of(name(o), text(o, "type"), (long) size(o, "data"), age(o, now)));
    }

    static ResourcePrinter serviceAccounts() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(), TableColumn.string("Secrets", "Number of secrets listed by the account."),
                        TableColumn.age()),
                (o, now) -> List.of(name(o), (long) size(o, "secrets"), age(o, now)));
    }

    static ResourcePrinter services() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Type", "How the service is exposed."),
                        TableColumn.string("Cluster-IP", "The service's cluster IP."),
                        TableColumn.string("External-IP", "Addresses the service is reachable at from outside."),
                        TableColumn.string("Port(s)", "The service's ports."),
                        TableColumn.age(),
                        TableColumn.string("Selector", "Labels of the pods traffic goes to.").wide()),
                CorePrinters::serviceCells);
    }

    private static List<Object> serviceCells(ObjectNode service, Instant now) {
        JsonNode spec = service.path("spec");
        List<JsonNode> clusterIps = elements(spec, "clusterIPs");
        String clusterIp = clusterIps.isEmpty() ? "<none>" : clusterIps.get(0).asText();
        List<String> ports = new ArrayList<>();
        for (JsonNode port : elements(spec, "ports")) {
            long nodePort = number(port, "nodePort");
            ports.add(nodePort > 0
                    ? number(port, "port") + ":" + nodePort + "/" + text(port, "protocol")
                    : number(port, "port") + "/" + text(port, "protocol"));
        }
        return List.of(name(service), text(spec, "type"), clusterIp, externalIp(service),
                orDefault(String.join(",", ports), "<none>"), age(service, now), Fields.formatLabels(spec.path("selector")));
    }

    private static String externalIp(ObjectNode service) {
        JsonNode spec = service.path("spec");
        List<String> externalIps = new ArrayList<>();
        elements(spec, "externalIPs").forEach(ip -> externalIps.add(ip.asText()));
        switch (text(spec, "type")) {
            case "ClusterIP", "NodePort" -> {
                return externalIps.isEmpty() ? "<none>" : String.join(",", externalIps);
            }
            case "LoadBalancer" -> {
                // The server prints wide, so the 16-character clipping kubectl's own printer does
                // for narrow output never happens here.
                String balancer = loadBalancerAddresses(service.path("status").path("loadBalancer"));
                if (!externalIps.isEmpty()) {
                    List<String> all = new ArrayList<>();
                    if (!balancer.isEmpty()) {
                        all.addAll(List.of(balancer.split(",")));
                    }
                    all.addAll(externalIps);
                    return String.join(",", all);
                }
                return balancer.isEmpty() ? "<pending>" : balancer;
            }
            case "ExternalName" -> {
                return text(spec, "externalName");
            }
            default -> {
                return "<unknown>";
            }
        }
    }

    /** Ingress IPs, else hostnames, deduplicated and sorted: a Go string set's List(). */
    static String loadBalancerAddresses(JsonNode loadBalancerStatus) {
        TreeSet<String> addresses = new TreeSet<>();
        for (JsonNode ingress : elements(loadBalancerStatus, "ingress")) {
            if (!text(ingress, "ip").isEmpty()) {
                addresses.add(text(ingress, "ip"));
            } else if (!text(ingress, "hostname").isEmpty()) {
                addresses.add(text(ingress, "hostname"));
            }
        }
        return String.join(",", addresses);
    }

    static ResourcePrinter endpoints() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(), TableColumn.string("Endpoints", "The first addresses, with ports."),
                        TableColumn.age()),
                (o, now) -> List.of(name(o), formatEndpoints(o), age(o, now)));
    }

    /** At most three "ip:port" entries, then " + N more..."; headless subsets without ports list bare IPs. */
    private static String formatEndpoints(ObjectNode endpoints) {
        List<JsonNode> subsets = elements(endpoints, "subsets");
        if (subsets.isEmpty()) {
            return "<none>";
        }
        int max = 3;
        List<String> list = new ArrayList<>();
        boolean more = false;
        int count = 0;
        for (JsonNode subset : subsets) {
            List<JsonNode> addresses = elements(subset, "addresses");
            List<JsonNode> ports = elements(subset, "ports");
            if (ports.isEmpty()) {
                count += addresses.size();
                for (JsonNode address : addresses) {
                    if (list.size() == max) {
                        more = true;
                        break;
                    }
                    list.add(text(address, "ip"));
                }
                continue;
            }
            for (JsonNode port : ports) {
                count += addresses.size();
                for (JsonNode address : addresses) {
                    if (list.size() == max) {
                        more = true;
                        break;
                    }
                    list.add(Fields.joinHostPort(text(address, "ip"), number(port, "port")));
                }
            }
        }
        String joined = String.join(",", list);
        return more ? joined + " + " + (count - max) + " more..." : joined;
    }

    static ResourcePrinter nodes() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Status", "Ready or not, and whether scheduling is disabled."),
                        TableColumn.string("Roles", "Roles from the node-role.kubernetes.io labels."),
                        TableColumn.age(),
                        TableColumn.string("Version", "The kubelet's version."),
                        TableColumn.string("Internal-IP", "The node's first internal address.").wide(),
                        TableColumn.string("External-IP", "The node's first external address.").wide(),
                        TableColumn.string("OS-Image", "The operating system image.").wide(),
                        TableColumn.string("Kernel-Version", "The kernel version.").wide(),
                        TableColumn.string("Container-Runtime", "The container runtime and its version.").wide()),
                CorePrinters::nodeCells);
    }

    private static List<Object> nodeCells(ObjectNode node, Instant now) {
        List<String> status = new ArrayList<>();
        for (JsonNode condition : elements(node, "status", "conditions")) {
            // Later duplicates win, as they do in the map Kubernetes builds.
            if (text(condition, "type").equals("Ready")) {
                status.clear();
                status.add(text(condition, "status").equals("True") ? "Ready" : "NotReady");
            }
        }
        if (status.isEmpty()) {
            status.add("Unknown");
        }
        if (Fields.bool(node, "spec", "unschedulable")) {
            status.add("SchedulingDisabled");
        }
        TreeSet<String> roles = new TreeSet<>();
        for (Iterator<String> it = node.path("metadata").path("labels").fieldNames(); it.hasNext(); ) {
            String key = it.next();
            String value = text(node, "metadata", "labels", key);
            if (key.startsWith("node-role.kubernetes.io/")) {
                String role = key.substring("node-role.kubernetes.io/".length());
                if (!role.isEmpty()) {
                    roles.add(role);
                }
            } else if (key.equals("kubernetes.io/role") && !value.isEmpty()) {
                roles.add(value);
            }
        }
        JsonNode info = node.path("status").path("nodeInfo");
        return List.of(name(node), String.join(",", status), roles.isEmpty() ? "<none>" : String.join(",", roles),
                age(node, now), text(info, "kubeletVersion"),
                nodeAddress(node, "InternalIP"), nodeAddress(node, "ExternalIP"),
                orDefault(text(info, "osImage"), "<unknown>"),
                orDefault(text(info, "kernelVersion"), "<unknown>"),
                orDefault(text(info, "containerRuntimeVersion"), "<unknown>"));
    }

    private static String nodeAddress(ObjectNode node, String type) {
        for (JsonNode address : elements(node, "status", "addresses")) {
            if (text(address, "type").equals(type)) {
                return text(address, "address");
            }
        }
        return "<none>";
    }

    static ResourcePrinter persistentVolumes() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Capacity", "The volume's storage capacity."),
                        TableColumn.string("Access Modes", "How the volume can be mounted."),
                        TableColumn.string("Reclaim Policy", "What happens to the volume once released."),
                        TableColumn.string("Status", "The volume's phase."),
                        TableColumn.string("Claim", "The claim bound to the volume."),
                        TableColumn.string("StorageClass", "The volume's storage class."),
                        TableColumn.string("VolumeAttributesClass", "The volume's attributes class."),
                        TableColumn.string("Reason", "Why the volume is in its phase."),
                        TableColumn.age(),
                        TableColumn.string("VolumeMode", "Filesystem or Block.").wide()),
                CorePrinters::persistentVolumeCells);
    }

    private static List<Object> persistentVolumeCells(ObjectNode pv, Instant now) {
        JsonNode spec = pv.path("spec");
        String claim = "";
        if (present(spec, "claimRef")) {
            claim = text(spec, "claimRef", "namespace") + "/" + text(spec, "claimRef", "name");
        }
        String phase = present(pv, "metadata", "deletionTimestamp") ? "Terminating" : text(pv, "status", "phase");
        String storageClass = present(pv, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class")
                ? text(pv, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class")
                : text(spec, "storageClassName");
        return List.of(name(pv), Fields.quantity(at(spec, "capacity", "storage")), Fields.accessModes(spec.path("accessModes")),
                text(spec, "persistentVolumeReclaimPolicy"), phase, claim, storageClass,
                present(spec, "volumeAttributesClassName") ? text(spec, "volumeAttributesClassName") : "<unset>",
                text(pv, "status", "reason"), age(pv, now),
                present(spec, "volumeMode") ? text(spec, "volumeMode") : "<unset>");
    }

    static ResourcePrinter persistentVolumeClaims() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Status", "The claim's phase."),
                        TableColumn.string("Volume", "The volume bound to the claim."),
                        TableColumn.string("Capacity", "The bound volume's capacity."),
                        TableColumn.string("Access Modes", "The bound volume's access modes."),
                        TableColumn.string("StorageClass", "The claim's storage class."),
                        TableColumn.string("VolumeAttributesClass", "The claim's attributes class."),
                        TableColumn.age(),
                        TableColumn.string("VolumeMode", "Filesystem or Block.").wide()),
                CorePrinters::persistentVolumeClaimCells);
    }

    private static List<Object> persistentVolumeClaimCells(ObjectNode pvc, Instant now) {
        JsonNode spec = pvc.path("spec");
        String phase = present(pvc, "metadata", "deletionTimestamp") ? "Terminating" : text(pvc, "status", "phase");
        String capacity = "";
        String accessModes = "";
        if (!text(spec, "volumeName").isEmpty()) {
            accessModes = Fields.accessModes(at(pvc, "status", "accessModes"));
            capacity = Fields.quantity(at(pvc, "status", "capacity", "storage"));
        }
        String storageClass;
        if (present(pvc, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class")) {
            storageClass = text(pvc, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class");
        } else {
            storageClass = text(spec, "storageClassName");
        }
        return List.of(name(pvc), phase, text(spec, "volumeName"), capacity, accessModes, storageClass,
                present(spec, "volumeAttributesClassName") ? text(spec, "volumeAttributesClassName") : "<unset>",
                age(pvc, now), present(spec, "volumeMode") ? text(spec, "volumeMode") : "<unset>");
    }

    static ResourcePrinter resourceQuotas() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Request", "Used out of hard for each quota that is not on limits."),
                        TableColumn.string("Limit", "Used out of hard for each quota on limits."),
                        TableColumn.age()),
                CorePrinters::resourceQuotaCells);
    }

    private static List<Object> resourceQuotaCells(ObjectNode quota, Instant now) {
        JsonNode hard = at(quota, "status", "hard");
        TreeSet<String> resources = new TreeSet<>();
        hard.fieldNames().forEachRemaining(resources::add);
        List<String> requests = new ArrayList<>();
        List<String> limits = new ArrayList<>();
        for (String resource : resources) {
            String entry = resource + ": " + Fields.quantity(at(quota, "status", "used", resource)) + "/"
                    + Fields.quantity(hard.path(resource));
            String[] pieces = resource.split("\\.", -1);
            (pieces.length > 1 && pieces[0].equals("limits") ? limits : requests).add(entry);
        }
        return List.of(name(quota), String.join(", ", requests), String.join(", ", limits), age(quota, now));
    }

    /**
     * Events of core/v1 and events.k8s.io/v1 print alike: Kubernetes converts both to one internal
     * type first. {@code EventFields} names where each version keeps the same fact.
     */
    record EventFields(String regarding, String message, String firstTimestamp, String lastTimestamp, String count,
            String source, String reportingController) {
        static final EventFields CORE = new EventFields("involvedObject", "message", "firstTimestamp", "lastTimestamp",
                "count", "source", "reportingComponent");
        static final EventFields EVENTS_API = new EventFields("regarding", "note", "deprecatedFirstTimestamp",
                "deprecatedLastTimestamp", "deprecatedCount", "deprecatedSource", "reportingController");
    }

    static ResourcePrinter events(EventFields fields) {
        return new ResourcePrinter(
                List.of(TableColumn.string("Last Seen", "How long ago the event was last seen."),
                        TableColumn.string("Type", "Normal or Warning."),
                        TableColumn.string("Reason", "Why the event happened, in CamelCase."),
                        TableColumn.string("Object", "The object the event is about."),
                        TableColumn.string("Subobject", "The part of the object, e.g. a container.").wide(),
                        TableColumn.string("Source", "The component that reported the event.").wide(),
                        TableColumn.string("Message", "What happened, for humans."),
                        TableColumn.string("First Seen", "How long ago the event was first seen.").wide(),
                        TableColumn.string("Count", "How many times the event was seen.").wide(),
                        new TableColumn("Name", "string", "name", Descriptions.NAME, 1)),
                (o, now) -> eventCells(o, now, fields));
    }

    private static List<Object> eventCells(ObjectNode event, Instant now, EventFields fields) {
        Instant first = time(event, fields.firstTimestamp());
        String firstSeen = first != null ? HumanDuration.since(first, now)
                : HumanDuration.since(time(event, "eventTime"), now);
        Instant last = time(event, fields.lastTimestamp());
        String lastSeen = last != null ? HumanDuration.since(last, now) : firstSeen;
        long count = number(event, fields.count());
        if (present(event, "series")) {
            lastSeen = HumanDuration.since(time(event, "series", "lastObservedTime"), now);
            count = number(event, "series", "count");
        } else if (count == 0) {
            count = 1; // events of the new API are singletons without a count
        }
        JsonNode regarding = event.path(fields.regarding());
        String kind = text(regarding, "kind").toLowerCase(Locale.ROOT);
        String target = text(regarding, "name").isEmpty() ? kind : kind + "/" + text(regarding, "name");
        String component = orDefault(text(event, fields.source(), "component"), text(event, fields.reportingController()));
        String host = orDefault(text(event, fields.source(), "host"), text(event, "reportingInstance"));
        String source = host.isEmpty() ? component : component + ", " + host;
        return List.of(lastSeen, text(event, "type"), text(event, "reason"), target, text(regarding, "fieldPath"),
                source, text(event, fields.message()).strip(), firstSeen, count, name(event));
    }
}
