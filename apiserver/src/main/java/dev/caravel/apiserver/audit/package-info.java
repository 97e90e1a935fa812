/**
 * Auditing in the API server: the audit stage of the request pipeline (audit ID, the events of
 * each stage at the policy's level), the impersonated user and source IPs it records, and the
 * audit configuration ({@code --audit-*} flags) the server is started with. The policy and the
 * writers are the audit module's ({@code dev.caravel.audit.policy}, {@code dev.caravel.audit.writer}).
 * Design: docs/decisions/0016-audit-in-the-api-server.md.
 */
package dev.caravel.apiserver.audit;
