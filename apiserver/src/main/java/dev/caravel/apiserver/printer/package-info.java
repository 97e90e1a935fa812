/**
 * Server-side printing: the meta.k8s.io/v1 Table (and PartialObjectMetadata) answers of
 * {@code as=Table} requests, with Kubernetes' columns and cell rules for each built-in resource.
 * {@link dev.caravel.apiserver.printer.TablePrinter} is the entry point for the HTTP layer.
 * Why it works this way: docs/decisions/0011-server-side-tables.md.
 */
package dev.caravel.apiserver.printer;
