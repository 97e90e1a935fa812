package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.api.GoJsonEscapes;
import dev.caravel.apiserver.resource.GroupVersion;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reading a CustomResourceDefinition (apiextensions.k8s.io/v1) held as JSON: its names, its
 * versions and their subresources and printer columns, its conditions. Immutable views over the
 * tree they were made from; the tree must not change afterwards.
 */
public final class CustomResources {

    static final ObjectMapper JSON = new ObjectMapper(GoJsonEscapes.factory());

    public static final String GROUP = "apiextensions.k8s.io";
    public static final String RESOURCE = "customresourcedefinitions";
    public static final GroupVersion GROUP_VERSION = new GroupVersion(GROUP, "v1");
    /** The finalizer that keeps a deleted CRD until its instances are gone. */
    public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

    private CustomResources() {}

    /** {@code spec.names} or {@code status.acceptedNames}. */
    public record Names(String plural, String singular, String kind, String listKind, List<String> shortNames,
                        List<String> categories) {
        public Names {
            shortNames = List.copyOf(shortNames);
            categories = List.copyOf(categories);
        }

        static Names of(JsonNode names) {
            return new Names(names.path("plural").asText(""), names.path("singular").asText(""),
                    names.path("kind").asText(""), names.path("listKind").asText(""),
                    strings(names.path("shortNames")), strings(names.path("categories")));
        }
    }

    /** The scale subresource's paths. */
    public record ScalePaths(String specReplicasPath, String statusReplicasPath, String labelSelectorPath) {}

    /** One {@code additionalPrinterColumns} entry. */
    public record PrinterColumn(String name, String type, String format, String description, int priority,
                                String jsonPath) {}

    /** One entry of {@code spec.versions}. */
    public record Version(String name, boolean served, boolean storage, JsonNode schema, boolean statusSubresource,
                          ScalePaths scale, List<PrinterColumn> printerColumns, boolean deprecated,
                          String deprecationWarning, List<String> selectableFields) {
        public Version {
            printerColumns = List.copyOf(printerColumns);
            selectableFields = List.copyOf(selectableFields);
        }
    }

    /** What the serving needs of a CRD. */
    public record Definition(String name, String uid, String group, boolean namespaced, Names names,
                             Names acceptedNames, List<Version> versions, boolean terminating) {
        public Definition {
            versions = List.copyOf(versions);
        }

        public Optional<Version> storageVersion() {
            return versions.stream().filter(Version::storage).findFirst();
        }

        public List<Version> servedVersions() {
            return versions.stream().filter(Version::served).toList();
        }

        public Optional<Version> version(String versionName) {
            return versions.stream().filter(v -> v.name().equals(versionName)).findFirst();
        }
    }

    /** The view of a CRD object. */
    public static Definition read(JsonNode crd) {
        JsonNode spec = crd.path("spec");
        List<Version> versions = new ArrayList<>();
        for (JsonNode v : spec.path("versions")) {
            JsonNode subresources = v.path("subresources");
            ScalePaths scale = null;
            if (subresources.path("scale").isObject()) {
                JsonNode s = subresources.path("scale");
                scale = new ScalePaths(s.path("specReplicasPath").asText(""), s.path("statusReplicasPath").asText(""),
                        s.path("labelSelectorPath").asText(""));
            }
            List<PrinterColumn> columns = new ArrayList<>();
            for (JsonNode c : v.path("additionalPrinterColumns")) {
                columns.add(new PrinterColumn(c.path("name").asText(""), c.path("type").asText(""),
                        c.path("format").asText(""), c.path("description").asText(""), c.path("priority").asInt(0),
                        c.path("jsonPath").asText("")));
            }
            JsonNode schema = v.path("schema").path("openAPIV3Schema");
            versions.add(new Version(v.path("name").asText(""), v.path("served").asBoolean(false),
                    v.path("storage").asBoolean(false), schema.isObject() ? schema : null,
                    subresources.path("status").isObject(), scale, columns, v.path("deprecated").asBoolean(false),
                    v.hasNonNull("deprecationWarning") ? v.get("deprecationWarning").asText() : null,
                    v.path("selectableFields").findValuesAsText("jsonPath")));
        }
        return new Definition(crd.path("metadata").path("name").asText(""), crd.path("metadata").path("uid").asText(""),
                spec.path("group").asText(""), spec.path("scope").asText("").equals("Namespaced"),
                Names.of(spec.path("names")), Names.of(crd.path("status").path("acceptedNames")), versions,
                crd.path("metadata").hasNonNull("deletionTimestamp"));
    }

    /** The condition of that type, or a missing node. */
    static JsonNode condition(JsonNode crd, String type) {
        for (JsonNode c : crd.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static boolean isTrue(JsonNode crd, String type) {
        return condition(crd, type).path("status").asText().equals("True");
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
