/**
 * The registry: one {@link dev.caravel.apiserver.registry.GenericStore} over the
 * {@link dev.caravel.storage.KeyValueStore} for every built-in resource, shaped by a
 * {@link dev.caravel.apiserver.registry.ResourceStrategy} per resource, and the REST handler
 * ({@link dev.caravel.apiserver.registry.RestHandler}) that turns HTTP requests into store calls.
 *
 * <p>Storage keys follow Kubernetes' layout on etcd ({@link dev.caravel.apiserver.registry.StorageKeys}):
 * <pre>
 *   /registry/configmaps/default/app            core group: no group segment
 *   /registry/namespaces/default                cluster-scoped: no namespace segment
 *   /registry/apps/deployments/default/web      other groups: the group first
 * </pre>
 * Kubernetes itself omits the group for most legacy groups ({@code /registry/deployments/...});
 * we always write it for non-core groups so that two groups' resources of one name (events in
 * core and in events.k8s.io are the one exception Kubernetes shares on purpose) never collide.
 *
 * <p>Objects are stored as JSON without {@code metadata.resourceVersion}: the resourceVersion
 * is the key's mod revision, set on every read, as Kubernetes does on etcd.
 */
package dev.caravel.apiserver.registry;
