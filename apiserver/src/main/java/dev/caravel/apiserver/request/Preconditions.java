package dev.caravel.apiserver.request;

/**
 * What must still hold for a delete to go ahead, metav1.Preconditions; a failed one is a 409
 * Conflict. Each is null when not given.
 */
public record Preconditions(String uid, String resourceVersion) {

    public static final Preconditions NONE = new Preconditions(null, null);

    public boolean isEmpty() {
        return uid == null && resourceVersion == null;
    }
}
