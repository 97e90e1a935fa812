package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.StatusException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The patch formats, named by the request's Content-Type (types.PatchType). */
public enum PatchType {
    JSON_PATCH("application/json-patch+json"),
    MERGE_PATCH("application/merge-patch+json"),
    STRATEGIC_MERGE_PATCH("application/strategic-merge-patch+json"),
    APPLY_YAML("application/apply-patch+yaml"),
    APPLY_CBOR("application/apply-patch+cbor");

    /**
     * What Kubernetes offers for a built-in type, in the order its 415 message lists them. Custom
     * resources have no strategic merge patch.
     */
    public static final List<PatchType> BUILT_IN = List.of(JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_YAML);

    private final String mediaType;

    PatchType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public boolean isApply() {
        return this == APPLY_YAML || this == APPLY_CBOR;
    }

    /**
     * The patch type of a Content-Type header, parameters ({@code ; charset=utf-8}) ignored.
     *
     * @throws StatusException 415 listing the supported types when it is none of them
     */
    public static PatchType fromContentType(String contentType, List<PatchType> supported) {
        String mediaType = contentType == null ? "" : contentType;
        int semicolon = mediaType.indexOf(';');
        if (semicolon > 0) {
            mediaType = mediaType.substring(0, semicolon);
        }
        mediaType = mediaType.trim().toLowerCase(Locale.ROOT);
        for (PatchType t : supported) {
            if (t.mediaType.equals(mediaType)) {
                return t;
            }
        }
        List<String> names = new ArrayList<>(supported.size());
        for (PatchType t : supported) {
            names.add(t.mediaType);
        }
        throw StatusException.unsupportedMediaType(names);
    }
}
