/**
 * Label and field selectors: parsed from their string forms (and a label selector from a
 * metav1.LabelSelector object), matched against an object's labels or fields, printed in
 * canonical form, with their requirements exposed so an index can serve the most selective one.
 * Parse errors are {@link dev.caravel.apiserver.selection.InvalidSelectorException}s carrying
 * Kubernetes' own message; the list handler answers them as 400 BadRequest.
 */
package dev.caravel.apiserver.selection;
