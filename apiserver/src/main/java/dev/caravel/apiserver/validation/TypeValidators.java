package dev.caravel.apiserver.validation;

import dev.caravel.apiserver.api.GroupKind;

import java.util.Map;
import java.util.Optional;

/**
 * The per-kind rules, by group and kind (the same for every version, as Kubernetes validates
 * the internal type). A kind without an entry gets ObjectMeta and schema checks only.
 */
public final class TypeValidators {

    private static final String APPS = "apps";
    private static final String BATCH = "batch";
    private static final String RBAC = RbacValidation.RBAC_GROUP;

    private static final TypeValidators KUBERNETES = new TypeValidators(Map.ofEntries(
            Map.entry(GroupKind.core("Pod"), new PodValidation()),
            Map.entry(GroupKind.core("Service"), new ServiceValidation()),
            Map.entry(GroupKind.core("ConfigMap"), new ConfigDataValidation.ConfigMap()),
            Map.entry(GroupKind.core("Secret"), new ConfigDataValidation.Secret()),
            Map.entry(GroupKind.core("Namespace"), new SmallKindValidation.Namespace()),
            Map.entry(GroupKind.core("PersistentVolumeClaim"), new SmallKindValidation.PersistentVolumeClaim()),
            Map.entry(GroupKind.core("Event"), new SmallKindValidation.Event()),
            Map.entry(new GroupKind(APPS, "Deployment"), new WorkloadValidation(WorkloadValidation.Kind.DEPLOYMENT)),
            Map.entry(new GroupKind(APPS, "ReplicaSet"), new WorkloadValidation(WorkloadValidation.Kind.REPLICA_SET)),
            Map.entry(new GroupKind(APPS, "StatefulSet"), new WorkloadValidation(WorkloadValidation.Kind.STATEFUL_SET)),
            Map.entry(new GroupKind(APPS, "DaemonSet"), new WorkloadValidation(WorkloadValidation.Kind.DAEMON_SET)),
            Map.entry(new GroupKind(BATCH, "Job"), new BatchValidation.Job()),
            Map.entry(new GroupKind(BATCH, "CronJob"), new BatchValidation.CronJob()),
            Map.entry(new GroupKind("coordination.k8s.io", "Lease"), new SmallKindValidation.Lease()),
            Map.entry(new GroupKind("scheduling.k8s.io", "PriorityClass"), new SmallKindValidation.PriorityClass()),
            Map.entry(new GroupKind(RBAC, "Role"), new RbacValidation.Role(true)),
            Map.entry(new GroupKind(RBAC, "ClusterRole"), new RbacValidation.Role(false)),
            Map.entry(new GroupKind(RBAC, "RoleBinding"), new RbacValidation.Binding(true)),
            Map.entry(new GroupKind(RBAC, "ClusterRoleBinding"), new RbacValidation.Binding(false)),
            Map.entry(new GroupKind("apiregistration.k8s.io", "APIService"), new ApiServiceValidation())));

    private final Map<GroupKind, TypeValidator> byKind;

    private TypeValidators(Map<GroupKind, TypeValidator> byKind) {
        this.byKind = Map.copyOf(byKind);
    }

    /** The rules of Kubernetes' built-in kinds. */
    public static TypeValidators kubernetes() {
        return KUBERNETES;
    }

    public Optional<TypeValidator> forKind(GroupKind kind) {
        return Optional.ofNullable(byKind.get(kind));
    }
}
