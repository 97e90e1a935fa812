package dev.caravel.apiserver.printer;

import static dev.caravel.apiserver.printer.CorePrinters.age;
import static dev.caravel.apiserver.printer.CorePrinters.name;
import static dev.caravel.apiserver.printer.Fields.at;
import static dev.caravel.apiserver.printer.Fields.elements;
import static dev.caravel.apiserver.printer.Fields.present;
import static dev.caravel.apiserver.printer.Fields.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Printers of rbac, coordination, discovery, policy, networking, storage and scheduling. Roles,
 * ClusterRoles and LimitRanges have none in Kubernetes: they get the default table.
 */
final class ClusterPrinters {

    private ClusterPrinters() {
    }

    static ResourcePrinter roleBindings(String bindingKind) {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Role", "The role granted, as Kind/name."),
                        TableColumn.age(),
                        TableColumn.string("Users", "Users in the " + bindingKind).wide(),
                        TableColumn.string("Groups", "Groups in the " + bindingKind).wide(),
                        TableColumn.string("ServiceAccounts", "ServiceAccounts in the " + bindingKind).wide()),
                (o, now) -> {
                    List<String> users = new ArrayList<>();
                    List<String> groups = new ArrayList<>();
                    List<String> accounts = new ArrayList<>();
                    for (JsonNode subject : elements(o, "subjects")) {
                        switch (text(subject, "kind")) {
                            case "User" -> users.add(text(subject, "name"));
                            case "Group" -> groups.add(text(subject, "name"));
                            case "ServiceAccount" -> accounts.add(text(subject, "namespace") + "/" + text(subject, "name"));
                            default -> {
                            }
                        }
                    }
                    return List.of(name(o), text(o, "roleRef", "kind") + "/" + text(o, "roleRef", "name"), age(o, now),
                            String.join(", ", users), String.join(", ", groups), String.join(", ", accounts));
                });
    }

    /**
     * kube-aggregator's table: SERVICE is namespace/name, or Local for a group the server itself
     * serves; AVAILABLE is the Available condition's status, with its reason when False.
     */
    static ResourcePrinter apiServices() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Service", "The reference to the service that hosts this API endpoint."),
                        TableColumn.string("Available", "Whether this service is available."),
                        TableColumn.age()),
                (o, now) -> {
                    JsonNode service = at(o, "spec", "service");
                    String serviceText = service.isMissingNode() || service.isNull()
                            ? "Local" : text(service, "namespace") + "/" + text(service, "name");
                    String available = "Unknown";
                    for (JsonNode condition : elements(o, "status", "conditions")) {
                        if (text(condition, "type").equals("Available")) {
                            String status = text(condition, "status");
                            available = status.equals("False") ? status + " (" + text(condition, "reason") + ")" : status;
                        }
                    }
                    return List.of(name(o), serviceText, available, age(o, now));
                });
    }

    static ResourcePrinter leases() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(), TableColumn.string("Holder", "Who holds the lease."), TableColumn.age()),
                (o, now) -> List.of(name(o), text(o, "spec", "holderIdentity"), age(o, now)));
    }

    static ResourcePrinter endpointSlices() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("AddressType", "IPv4, IPv6 or FQDN."),
                        TableColumn.string("Ports", "The first ports of the slice."),
                        TableColumn.string("Endpoints", "The first addresses of the slice."),
                        TableColumn.age()),
                (o, now) -> {
                    List<String> ports = new ArrayList<>();
                    for (JsonNode port : elements(o, "ports")) {
                        if (present(port, "port")) {
                            ports.add(Long.toString(port.path("port").asLong()));
                        } else if (present(port, "name")) {
                            ports.add(text(port, "name"));
                        } else {
                            ports.add("*");
                        }
                    }
                    List<String> addresses = new ArrayList<>();
                    for (JsonNode endpoint : elements(o, "endpoints")) {
                        elements(endpoint, "addresses").forEach(a -> addresses.add(a.asText()));
                    }
                    return List.of(name(o), text(o, "addressType"), firstThree(ports), firstThree(addresses), age(o, now));
                });
    }

    /** Up to three entries, then " + N more..."; nothing at all is "&lt;unset&gt;". */
    private static String firstThree(List<String> all) {
        if (all.isEmpty()) {
            return "<unset>";
        }
        String shown = String.join(",", all.subList(0, Math.min(3, all.size())));
        return all.size() > 3 ? shown + " + " + (all.size() - 3) + " more..." : shown;
    }

    static ResourcePrinter podDisruptionBudgets() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Min Available", "Pods that must stay available."),
                        TableColumn.string("Max Unavailable", "Pods that may be unavailable."),
                        TableColumn.integer("Allowed Disruptions", "Pods that may be disrupted now."),
                        TableColumn.age()),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    return List.of(name(o),
                            present(spec, "minAvailable") ? Fields.intOrString(spec.path("minAvailable")) : "N/A",
                            present(spec, "maxUnavailable") ? Fields.intOrString(spec.path("maxUnavailable")) : "N/A",
                            Fields.number(o, "status", "disruptionsAllowed"), age(o, now));
                });
    }

    static ResourcePrinter ingresses() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Class", "The IngressClass handling the ingress."),
                        TableColumn.string("Hosts", "Hosts the rules match."),
                        TableColumn.string("Address", "Addresses of the load balancer."),
                        TableColumn.string("Ports", "Ports the ingress listens on."),
                        TableColumn.age()),
                (o, now) -> {
                    JsonNode spec = o.path("spec");
                    return List.of(name(o),
                            present(spec, "ingressClassName") ? text(spec, "ingressClassName") : "<none>",
                            ingressHosts(elements(spec, "rules")),
                            CorePrinters.loadBalancerAddresses(at(o, "status", "loadBalancer")),
                            Fields.size(spec, "tls") > 0 ? "80, 443" : "80", age(o, now));
                });
    }

    /** The first three non-empty hosts; "+ N more..." counts every rule past the third, hostless or not. */
    private static String ingressHosts(List<JsonNode> rules) {
        List<String> hosts = new ArrayList<>();
        boolean more = false;
        for (JsonNode rule : rules) {
            if (hosts.size() == 3) {
                more = true;
            }
            if (!more && !text(rule, "host").isEmpty()) {
                hosts.add(text(rule, "host"));
            }
        }
        if (hosts.isEmpty()) {
            return "*";
        }
        String joined = String.join(",", hosts);
        return more ? joined + " + " + (rules.size() - 3) + " more..." : joined;
    }

    static ResourcePrinter networkPolicies() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(), TableColumn.string("Pod-Selector", "The pods the policy applies to."),
                        TableColumn.age()),
                (o, now) -> List.of(name(o), Fields.formatLabelSelector(at(o, "spec", "podSelector")), age(o, now)));
    }

    static ResourcePrinter storageClasses() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.string("Provisioner", "The volume plugin that provisions volumes."),
                        TableColumn.string("ReclaimPolicy", "What happens to released volumes."),
                        TableColumn.string("VolumeBindingMode", "When volumes are bound and provisioned."),
                        TableColumn.string("AllowVolumeExpansion", "Whether volumes may grow."),
                        TableColumn.age()),
                (o, now) -> {
                    String name = name(o);
                    if (isDefaultClass(o)) {
                        name += " (default)";
                    }
                    return List.of(name, text(o, "provisioner"),
                            present(o, "reclaimPolicy") ? text(o, "reclaimPolicy") : "Delete",
                            present(o, "volumeBindingMode") ? text(o, "volumeBindingMode") : "Immediate",
                            Fields.bool(o, "allowVolumeExpansion"), age(o, now));
                });
    }

    private static boolean isDefaultClass(ObjectNode storageClass) {
        JsonNode annotations = at(storageClass, "metadata", "annotations");
        return text(annotations, "storageclass.kubernetes.io/is-default-class").equals("true")
                || text(annotations, "storageclass.beta.kubernetes.io/is-default-class").equals("true");
    }

    static ResourcePrinter priorityClasses() {
        return new ResourcePrinter(
                List.of(TableColumn.objectName(),
                        TableColumn.integer("Value", "The priority of pods using the class."),
                        TableColumn.bool("Global-Default", "Whether pods without a class get this one."),
                        TableColumn.age(),
                        TableColumn.string("PreemptionPolicy", "Whether pods of the class preempt others.")),
                (o, now) -> List.of(name(o), Fields.number(o, "value"), Fields.bool(o, "globalDefault"), age(o, now),
                        text(o, "preemptionPolicy")));
    }
}
