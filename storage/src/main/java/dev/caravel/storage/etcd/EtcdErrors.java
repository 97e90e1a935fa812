package dev.caravel.storage.etcd;

import dev.caravel.storage.StorageException;
import dev.caravel.storage.StorageException.Kind;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns what jetcd reports (an {@link EtcdException}, a gRPC status, or a transport failure) into a
 * {@link StorageException} kind. etcd tells its errors apart by message (etcdserver/api/v3rpc/rpctypes),
 * not by gRPC code alone: OUT_OF_RANGE is both "compacted" and "future revision", INVALID_ARGUMENT
 * both "request is too large" and "duplicate key". So the messages are matched here, and only here.
 */
final class EtcdErrors {

    static final String COMPACTED = "required revision has been compacted";
    static final String FUTURE_REVISION = "required revision is a future revision";
    static final String TOO_LARGE = "request is too large";
    /** gRPC's own message when a message exceeds the receiver's limit (etcd's is max-request-bytes + 512 KiB). */
    static final String GRPC_TOO_LARGE = "larger than max";
    static final String LEASE_NOT_FOUND = "requested lease not found";

    private EtcdErrors() {}

    /** The failure of one call; the message names the call, the cause keeps jetcd's exception. */
    static StorageException translate(Throwable failure, String call) {
        Throwable cause = unwrap(failure);
        String message = messageOf(cause);
        String lower = message.toLowerCase(Locale.ROOT);
        Status.Code code = codeOf(cause);
        String text = call + ": " + message;

        if (cause instanceof CompactedException compacted) {
            return StorageException.compacted(0, compacted.getCompactedRevision());
        }
        if (lower.contains(COMPACTED)) {
            // The range and compact calls know the revision asked for and look up etcd's compacted revision.
            return new StorageException(Kind.COMPACTED, text, cause);
        }
        if (lower.contains(FUTURE_REVISION)) {
            return new StorageException(Kind.FUTURE_REVISION, text, cause);
        }
        if (lower.contains(TOO_LARGE) || (code == Status.Code.RESOURCE_EXHAUSTED && lower.contains(GRPC_TOO_LARGE))) {
            return new StorageException(Kind.REQUEST_TOO_LARGE, text, cause);
        }
        if (lower.contains(LEASE_NOT_FOUND)) {
            return new StorageException(Kind.LEASE_NOT_FOUND, text, cause);
        }
        if (code == Status.Code.INVALID_ARGUMENT) {
            // duplicate key given in txn request, key is not provided, too many operations in txn request...
            return new StorageException(Kind.INVALID_REQUEST, text, cause);
        }
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED
                || cause instanceof CancellationException || cause instanceof java.net.ConnectException
                || cause instanceof java.io.IOException) {
            return new StorageException(Kind.UNAVAILABLE, text, cause);
        }
        return new StorageException(Kind.INTERNAL, text, cause);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static Status.Code codeOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof EtcdException etcd) {
                return Status.Code.valueOf(etcd.getErrorCode().name());
            }
            if (t instanceof StatusRuntimeException status) {
                return status.getStatus().getCode();
            }
            if (t instanceof StatusException status) {
                return status.getStatus().getCode();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Status.Code.UNKNOWN;
    }

    /** jetcd often wraps the gRPC exception; the etcd message may sit on any link of the chain. */
    private static String messageOf(Throwable cause) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                if (!all.isEmpty()) {
                    all.append(": ");
                }
                all.append(t.getMessage());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return all.isEmpty() ? cause.getClass().getName() : all.toString();
    }
}
