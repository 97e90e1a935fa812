package dev.caravel.controllers.client;

/** An API group and version; the core group is the empty string and lives under {@code /api}. */
public record GroupVersion(String group, String version) {

    public static GroupVersion parse(String groupVersion) {
        int slash = groupVersion.indexOf('/');
        return slash < 0 ? new GroupVersion("", groupVersion)
                : new GroupVersion(groupVersion.substring(0, slash), groupVersion.substring(slash + 1));
    }

    /** The path prefix of this group version: {@code /api/v1} or {@code /apis/GROUP/VERSION}. */
    public String path() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    @Override
    public String toString() {
        return group.isEmpty() ? version : group + "/" + version;
    }
}
