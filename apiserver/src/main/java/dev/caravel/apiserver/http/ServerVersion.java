package dev.caravel.apiserver.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Kubernetes version Caravel answers as: {@code /version}, and the version OpenAPI documents
 * carry ({@link #GIT_VERSION} is passed to {@link dev.caravel.apiserver.openapi.OpenApiDocuments}).
 * 1.32 sits in the middle of the 1.31 to 1.34 range the clients are tested against.
 */
public final class ServerVersion {

    public static final String MAJOR = "1";
    public static final String MINOR = "32";
    public static final String GIT_VERSION = "v1.32.0-caravel";

    private ServerVersion() {}

    /** The version.Info JSON, members in Kubernetes' order. */
    public static ObjectNode info() {
        ObjectNode info = JsonNodeFactory.instance.objectNode();
        info.put("major", MAJOR);
        info.put("minor", MINOR);
        info.put("emulationMajor", MAJOR);
        info.put("emulationMinor", MINOR);
        info.put("minCompatibilityMajor", MAJOR);
        info.put("minCompatibilityMinor", Integer.toString(Integer.parseInt(MINOR) - 1));
        info.put("gitVersion", GIT_VERSION);
        info.put("gitCommit", "0000000000000000000000000000000000000000");
        info.put("gitTreeState", "clean");
        info.put("buildDate", "2026-01-01T00:00:00Z");
        info.put("goVersion", "go1.23.0");
        info.put("compiler", "gc");
        info.put("platform", "linux/amd64");
        return info;
    }
}
