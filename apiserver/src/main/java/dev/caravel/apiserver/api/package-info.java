/**
 * The API's error vocabulary: {@link dev.caravel.apiserver.api.Status} and the one exception API
 * code throws, {@link dev.caravel.apiserver.api.StatusException}, whose factories word every
 * failure exactly as Kubernetes does; {@link dev.caravel.apiserver.api.FieldError} and
 * {@link dev.caravel.apiserver.api.FieldPath} for validation; Kubernetes' identifier rules in
 * {@link dev.caravel.apiserver.api.NameValidation}. Storage failures become Statuses at the
 * registry edge through {@link dev.caravel.apiserver.api.StatusException#fromStorage}.
 * See docs/decisions/0008-status-messages-and-deviations.md.
 */
package dev.caravel.apiserver.api;
