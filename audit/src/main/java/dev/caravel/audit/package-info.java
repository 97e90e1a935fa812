/**
 * Reading and analysing Kubernetes audit logs ({@code audit.k8s.io/v1} and {@code v1beta1} events,
 * one JSON object a line, as kube-apiserver's log backend writes them).
 *
 * <p>Incident 3 of the mission: etcd ran out of memory under a storm of LIST requests, and the
 * culprit was found by summing each user's query time in the audit log. {@code event} reads the
 * log, {@code input} records what could not be read, {@code analysis} computes query time and
 * concurrency per user (or user agent, verb, resource, namespace), {@code report} renders the
 * result, {@code synthetic} writes realistic logs for tests and benchmarks.
 */
package dev.caravel.audit;
