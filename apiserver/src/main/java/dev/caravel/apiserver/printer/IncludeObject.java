package dev.caravel.apiserver.printer;

import dev.caravel.apiserver.api.StatusException;

/**
 * What each row of a Table carries besides its cells: the {@code includeObject} query parameter
 * of {@code as=Table} requests. kubectl asks for {@link #OBJECT} when it must print more than the
 * cells (e.g. {@code --show-labels}); the default is {@link #METADATA}.
 */
public enum IncludeObject {
    /** No object: {@code "object": null}. */
    NONE("None"),
    /** A PartialObjectMetadata holding the object's metadata. */
    METADATA("Metadata"),
    /** The whole object. */
    OBJECT("Object");

    private final String wireName;

    IncludeObject(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * The query parameter's value; absent or empty means {@link #METADATA}. Anything else is a
     * 400, worded as Kubernetes words it.
     */
    public static IncludeObject parse(String value) {
        if (value == null || value.isEmpty()) {
            return METADATA;
        }
        for (IncludeObject candidate : values()) {
            if (candidate.wireName.equals(value)) {
                return candidate;
            }
        }
        throw StatusException.badRequest("unrecognized includeObject value: \"" + value + "\"");
    }
}
