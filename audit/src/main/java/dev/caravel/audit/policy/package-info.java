/**
 * The audit.k8s.io/v1 Policy: {@link dev.caravel.audit.policy.AuditPolicyFile} reads it strictly
 * from YAML or JSON, {@link dev.caravel.audit.policy.AuditPolicy#evaluate} decides a request's
 * level, omitted stages and managedFields choice, first matching rule first, as kube-apiserver does.
 * See docs/decisions/0014-audit-writer.md.
 */
package dev.caravel.audit.policy;
