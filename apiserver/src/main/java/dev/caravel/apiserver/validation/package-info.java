/**
 * Validation of written objects as Kubernetes does it: decoding against the built-in schemas
 * (type errors, unknown and duplicate fields for fieldValidation), ObjectMeta rules and the
 * per-kind semantic and immutability rules. Objects are Jackson trees; every check returns
 * {@link dev.caravel.apiserver.api.FieldError}s with Kubernetes' field paths and words, and
 * {@link dev.caravel.apiserver.validation.ObjectValidator} turns them into the 422 or 400 the
 * client expects.
 *
 * <p>Why it is built this way and where it knowingly differs from Kubernetes:
 * {@code docs/decisions/0013-validation-of-built-in-kinds.md}.
 */
package dev.caravel.apiserver.validation;
