package dev.caravel.storage;

import java.util.Objects;

/**
 * A condition of a transaction on one key, as etcd's Compare. A key that does not exist has create
 * revision, mod revision and version 0, which is how existence is tested.
 */
public record Compare(byte[] key, Target target, Result result, long operand) {

    public enum Target { CREATE_REVISION, MOD_REVISION, VERSION }

    public enum Result { EQUAL, NOT_EQUAL, GREATER, LESS }

    public Compare {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(result, "result");
    }

    public static Compare modRevisionEquals(byte[] key, long modRevision) {
        return new Compare(key, Target.MOD_REVISION, Result.EQUAL, modRevision);
    }

    public static Compare exists(byte[] key) {
        return new Compare(key, Target.CREATE_REVISION, Result.GREATER, 0);
    }

    public static Compare absent(byte[] key) {
        return new Compare(key, Target.CREATE_REVISION, Result.EQUAL, 0);
    }

    /** Evaluates this condition against the key's current version, null when the key does not exist. */
    public boolean holdsFor(KeyValue current) {
        long actual = current == null ? 0 : switch (target) {
            case CREATE_REVISION -> current.createRevision();
            case MOD_REVISION -> current.modRevision();
            case VERSION -> current.version();
        };
        int order = Long.compare(actual, operand);
        return switch (result) {
            case EQUAL -> order == 0;
            case NOT_EQUAL -> order != 0;
            case GREATER -> order > 0;
            case LESS -> order < 0;
        };
    }
}
