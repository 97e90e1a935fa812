package dev.caravel.storage;

/**
 * The one error type of the storage layer. The API server turns each kind into a Kubernetes Status
 * at the registry edge (COMPACTED becomes 410 Gone, REQUEST_TOO_LARGE 413, and so on).
 */
public final class StorageException extends RuntimeException {

    public enum Kind {
        /** The revision asked for has been compacted away; {@link #compactRevision()} says up to where. */
        COMPACTED,
        /** The revision asked for is newer than the store's current revision. */
        FUTURE_REVISION,
        /** The request is larger than the store accepts (etcd's default: 1.5 MiB). */
        REQUEST_TOO_LARGE,
        /** The request is malformed: a duplicate key in a transaction, an empty key, a bad range. */
        INVALID_REQUEST,
        /** The lease named does not exist or has expired. */
        LEASE_NOT_FOUND,
        /** A watcher could not keep up and was closed; it should watch again from its last revision. */
        WATCHER_TOO_SLOW,
        /** The store is closed, or the etcd cluster cannot be reached. */
        UNAVAILABLE,
        /** The data on disk is damaged; the message names the file. */
        CORRUPTED,
        /** Anything else: a bug or an unexpected failure of the engine beneath. */
        INTERNAL
    }

    private final Kind kind;
    private final long compactRevision;

    public StorageException(Kind kind, String message) {
        this(kind, message, 0, null);
    }

    public StorageException(Kind kind, String message, Throwable cause) {
        this(kind, message, 0, cause);
    }

    private StorageException(Kind kind, String message, long compactRevision, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
        this.compactRevision = compactRevision;
    }

    public static StorageException compacted(long requestedRevision, long compactRevision) {
        return new StorageException(Kind.COMPACTED,
                "required revision " + requestedRevision + " has been compacted (compacted revision " + compactRevision + ")",
                compactRevision, null);
    }

    public static StorageException futureRevision(long requestedRevision, long currentRevision) {
        return new StorageException(Kind.FUTURE_REVISION,
                "required revision " + requestedRevision + " is a future revision (current revision " + currentRevision + ")");
    }

    public static StorageException requestTooLarge(long bytes, long limit) {
        return new StorageException(Kind.REQUEST_TOO_LARGE,
                "request is too large: " + bytes + " bytes, the limit is " + limit + " bytes");
    }

    public Kind kind() {
        return kind;
    }

    /** For COMPACTED: the store's compacted revision. 0 otherwise. */
    public long compactRevision() {
        return compactRevision;
    }
}
