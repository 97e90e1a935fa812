/**
 * The structural-schema engine of CustomResourceDefinitions: {@link
 * dev.caravel.apiserver.apiextensions.schema.StructuralSchema} checks a CRD version's
 * openAPIV3Schema as kube-apiserver does, and prunes, defaults and validates custom resources
 * against it with the reference's semantics and messages.
 *
 * <p>Why it is hand-written and where it knowingly differs from Kubernetes (CEL rules are not
 * evaluated): {@code docs/decisions/0021-structural-schema-engine.md}.
 */
package dev.caravel.apiserver.apiextensions.schema;
