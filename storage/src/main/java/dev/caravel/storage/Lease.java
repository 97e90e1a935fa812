package dev.caravel.storage;

/**
 * A lease: keys attached to it are deleted when it expires or is revoked.
 *
 * @param id                  the lease's id, never 0
 * @param grantedTtlSeconds   the time to live it was granted
 * @param remainingTtlSeconds seconds left before it expires; -1 when it has expired or does not exist
 */
public record Lease(long id, long grantedTtlSeconds, long remainingTtlSeconds) {}
