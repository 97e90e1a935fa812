package dev.caravel.apiserver.api;

/**
 * What the registry was doing when storage failed. Kubernetes words the same storage failure
 * differently per operation (a compacted revision is "too old" for a list or for a watch; an
 * unreachable store names the operation), so the translation needs it.
 */
public enum StorageOperation {
    GET("get"), LIST("list"), WATCH("watch"), CREATE("create"), UPDATE("update"), DELETE("delete");

    private final String verb;

    StorageOperation(String verb) {
        this.verb = verb;
    }

    public String verb() {
        return verb;
    }
}
