package dev.caravel.apiserver.printer;

import dev.caravel.apiserver.api.GroupResource;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which printer each resource uses. Immutable; {@link #builtin()} holds Kubernetes' printers for
 * the built-in types Caravel serves, and anything without one (Roles, LimitRanges, custom
 * resources without printer columns) gets {@link #DEFAULT}: NAME and CREATED AT, the table
 * Kubernetes' generic registry prints.
 */
public final class ResourcePrinters {

    /** Go's time.RFC3339 for a UTC time: whole seconds and "Z". */
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * The default table. Its second cell is an absolute time, not an age: "Created At" has type
     * "date" and kubectl turns it into an age itself. An object without a creationTimestamp shows
     * Go's zero time, as Kubernetes does.
     */
    public static final ResourcePrinter DEFAULT = new ResourcePrinter(
            List.of(TableColumn.objectName(), new TableColumn("Created At", "date", "", Descriptions.CREATED_AT, 0)),
            (o, now) -> {
                Instant created = Fields.time(o, "metadata", "creationTimestamp");
                return List.of(CorePrinters.name(o),
                        created == null ? "0001-01-01T00:00:00Z" : RFC3339.format(created.truncatedTo(ChronoUnit.SECONDS)));
            });

    private static final ResourcePrinters BUILTIN = createBuiltin();

    private final Map<GroupResource, ResourcePrinter> printers;

    private ResourcePrinters(Map<GroupResource, ResourcePrinter> printers) {
        this.printers = Map.copyOf(printers);
    }

    public static ResourcePrinters builtin() {
        return BUILTIN;
    }

    /** These printers plus (or replacing) one for {@code resource}: custom resources' printer columns. */
    public ResourcePrinters with(GroupResource resource, ResourcePrinter printer) {
        Map<GroupResource, ResourcePrinter> copy = new HashMap<>(printers);
        copy.put(Objects.requireNonNull(resource), Objects.requireNonNull(printer));
        return new ResourcePrinters(copy);
    }

    /** The resource's printer, or {@link #DEFAULT}. */
    public ResourcePrinter forResource(GroupResource resource) {
        return printers.getOrDefault(resource, DEFAULT);
    }

    public boolean hasPrinter(GroupResource resource) {
        return printers.containsKey(resource);
    }

    private static ResourcePrinters createBuiltin() {
        Map<GroupResource, ResourcePrinter> p = new HashMap<>();
        p.put(GroupResource.core("pods"), PodPrinter.printer());
        p.put(GroupResource.core("namespaces"), CorePrinters.namespaces());
        p.put(GroupResource.core("services"), CorePrinters.services());
        p.put(GroupResource.core("endpoints"), CorePrinters.endpoints());
        p.put(GroupResource.core("configmaps"), CorePrinters.configMaps());
        p.put(GroupResource.core("secrets"), CorePrinters.secrets());
        p.put(GroupResource.core("serviceaccounts"), CorePrinters.serviceAccounts());
        p.put(GroupResource.core("events"), CorePrinters.events(CorePrinters.EventFields.CORE));
        p.put(GroupResource.core("nodes"), CorePrinters.nodes());
        p.put(GroupResource.core("persistentvolumeclaims"), CorePrinters.persistentVolumeClaims());
        p.put(GroupResource.core("persistentvolumes"), CorePrinters.persistentVolumes());
        p.put(GroupResource.core("resourcequotas"), CorePrinters.resourceQuotas());
        p.put(new GroupResource("apps", "deployments"), WorkloadPrinters.deployments());
        p.put(new GroupResource("apps", "replicasets"), WorkloadPrinters.replicaSets());
        p.put(new GroupResource("apps", "statefulsets"), WorkloadPrinters.statefulSets());
        p.put(new GroupResource("apps", "daemonsets"), WorkloadPrinters.daemonSets());
        p.put(new GroupResource("batch", "jobs"), WorkloadPrinters.jobs());
        p.put(new GroupResource("batch", "cronjobs"), WorkloadPrinters.cronJobs());
        p.put(new GroupResource("rbac.authorization.k8s.io", "rolebindings"), ClusterPrinters.roleBindings("roleBinding"));
        p.put(new GroupResource("rbac.authorization.k8s.io", "clusterrolebindings"),
                ClusterPrinters.roleBindings("clusterRoleBinding"));
        p.put(new GroupResource("coordination.k8s.io", "leases"), ClusterPrinters.leases());
        p.put(new GroupResource("events.k8s.io", "events"), CorePrinters.events(CorePrinters.EventFields.EVENTS_API));
        p.put(new GroupResource("discovery.k8s.io", "endpointslices"), ClusterPrinters.endpointSlices());
        p.put(new GroupResource("apiregistration.k8s.io", "apiservices"), ClusterPrinters.apiServices());
        p.put(new GroupResource("policy", "poddisruptionbudgets"), ClusterPrinters.podDisruptionBudgets());
        p.put(new GroupResource("networking.k8s.io", "ingresses"), ClusterPrinters.ingresses());
        p.put(new GroupResource("networking.k8s.io", "networkpolicies"), ClusterPrinters.networkPolicies());
        p.put(new GroupResource("storage.k8s.io", "storageclasses"), ClusterPrinters.storageClasses());
        p.put(new GroupResource("scheduling.k8s.io", "priorityclasses"), ClusterPrinters.priorityClasses());
        return new ResourcePrinters(p);
    }
}
