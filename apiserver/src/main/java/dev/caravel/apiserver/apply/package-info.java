/**
 * Server-side apply and field ownership ({@code metadata.managedFields}), on JSON trees typed by
 * the schema catalogue: {@link dev.caravel.apiserver.apply.FieldManager} is the entry point, one per
 * resource (and subresource); {@link dev.caravel.apiserver.apply.FieldSet} is a set of owned field
 * paths in Kubernetes' FieldsV1 form; {@link dev.caravel.apiserver.apply.ManagedFields} reads and
 * writes the entries. See docs/decisions/0010-server-side-apply.md.
 */
package dev.caravel.apiserver.apply;
