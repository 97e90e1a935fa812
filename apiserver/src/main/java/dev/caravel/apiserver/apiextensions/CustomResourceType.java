package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.apiextensions.schema.StructuralSchema;
import dev.caravel.apiserver.printer.HumanDuration;
import dev.caravel.apiserver.printer.ResourcePrinter;
import dev.caravel.apiserver.printer.TableColumn;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.resource.SubresourceDefinition;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.selection.SelectableFields;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One established CustomResourceDefinition, compiled for serving: per served version its
 * {@link ResourceDefinition} (what discovery and the REST paths see), its schema engine, its
 * scale paths and its Table printer. Built once per CRD change, then shared, immutable.
 */
final class CustomResourceType {

    /** What discovery lists for a custom resource, in the reference's order. */
    static final List<String> VERBS = List.of("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch");
    private static final List<String> SUBRESOURCE_VERBS = List.of("get", "patch", "update");
    private static final GroupVersionKind SCALE_KIND = new GroupVersionKind("autoscaling", "v1", "Scale");
    private static final String AGE_DESCRIPTION = "CreationTimestamp is a timestamp representing the server time when this "
            + "object was created. It is not guaranteed to be set in happens-before order across separate operations. "
            + "Clients may not set this value. It is represented in RFC3339 form and is in UTC.";

    /** One served version. */
    record Served(ResourceDefinition definition, StructuralSchema schema, JsonNode openApiSchema,
                  CustomResources.ScalePaths scale, ResourcePrinter printer, List<String> warnings,
                  SelectableFields selectableFields) {}

    private final CustomResources.Definition crd;
    private final long generation;
    private final Map<String, Served> versions;
    private final GroupVersion storageVersion;

    private CustomResourceType(CustomResources.Definition crd, long generation, Map<String, Served> versions,
                               GroupVersion storageVersion) {
        this.crd = crd;
        this.generation = generation;
        this.versions = Map.copyOf(versions);
        this.storageVersion = storageVersion;
    }

    /** Compiles an established CRD (its schemas already checked by validation). */
    static CustomResourceType of(JsonNode crdObject) {
        CustomResources.Definition crd = CustomResources.read(crdObject);
        String storage = crd.storageVersion().map(CustomResources.Version::name)
                .orElseThrow(() -> new IllegalArgumentException("CRD " + crd.name() + " has no storage version"));
        GroupVersion storageVersion = new GroupVersion(crd.group(), storage);
        CustomResources.Names names = crd.acceptedNames().plural().isEmpty() ? crd.names() : crd.acceptedNames();
        Map<String, Served> served = new LinkedHashMap<>();
        for (CustomResources.Version v : crd.servedVersions()) {
            GroupVersion gv = new GroupVersion(crd.group(), v.name());
            List<SubresourceDefinition> subresources = new ArrayList<>();
            if (v.scale() != null) {
                subresources.add(new SubresourceDefinition("scale", SCALE_KIND, SUBRESOURCE_VERBS));
            }
            if (v.statusSubresource()) {
                subresources.add(new SubresourceDefinition("status", new GroupVersionKind(crd.group(), v.name(), names.kind()),
                        SUBRESOURCE_VERBS));
            }
            ResourceDefinition definition = new ResourceDefinition(gv, names.plural(), names.singular(), names.kind(),
                    crd.namespaced(), VERBS, names.shortNames(), names.categories(), subresources, storageVersion);
            StructuralSchema schema = v.schema() == null ? null : StructuralSchema.of(v.schema());
            // The reference warns on every request to a deprecated version, in its words unless the CRD gives its own.
            List<String> warnings = !v.deprecated() ? List.of() : List.of(v.deprecationWarning() != null
                    ? v.deprecationWarning() : crd.group() + "/" + v.name() + " " + names.kind() + " is deprecated");
            SelectableFields selectable = v.selectableFields().isEmpty()
                    ? SelectableFields.of(crd.group(), names.kind(), crd.namespaced())
                    : SelectableFields.declared(crd.namespaced(),
                            v.selectableFields().stream().map(p -> JsonPath.parse(p).fieldNames()).toList());
            served.put(v.name(), new Served(definition, schema, v.schema(), v.scale(), printer(v.printerColumns()),
                    warnings, selectable));
        }
        return new CustomResourceType(crd, crdObject.path("metadata").path("generation").asLong(0), served,
                storageVersion);
    }

    CustomResources.Definition crd() {
        return crd;
    }

    long generation() {
        return generation;
    }

    GroupResource groupResource() {
        return new GroupResource(crd.group(), resourceName());
    }

    GroupKind groupKind() {
        return new GroupKind(crd.group(), kind());
    }

    String resourceName() {
        return versions.values().iterator().next().definition().resource();
    }

    String kind() {
        return versions.values().iterator().next().definition().kind();
    }

    GroupVersion storageVersion() {
        return storageVersion;
    }

    Optional<Served> version(String version) {
        return Optional.ofNullable(versions.get(version));
    }

    List<Served> served() {
        return List.copyOf(versions.values());
    }

    /** The printer of the storage version, or of the first served one: for a Table whose version is not known. */
    ResourcePrinter printer() {
        Served s = versions.getOrDefault(storageVersion.version(), versions.values().iterator().next());
        return s.printer();
    }

    // ---- Table ----------------------------------------------------------------------------------

    /**
     * The reference's tableconvertor: a Name column, then the version's printer columns, or an Age
     * column (type date, from metadata.creationTimestamp) when it declares none.
     */
    static ResourcePrinter printer(List<CustomResources.PrinterColumn> declared) {
        List<CustomResources.PrinterColumn> columns = declared.isEmpty()
                ? List.of(new CustomResources.PrinterColumn("Age", "date", "", AGE_DESCRIPTION, 0, ".metadata.creationTimestamp"))
                : declared;
        List<TableColumn> definitions = new ArrayList<>();
        definitions.add(TableColumn.objectName());
        List<JsonPath> paths = new ArrayList<>();
        for (CustomResources.PrinterColumn c : columns) {
            definitions.add(new TableColumn(c.name(), c.type(), c.format(), c.description(), c.priority()));
            paths.add(JsonPath.parse(c.jsonPath()));
        }
        return new ResourcePrinter(definitions, (object, now) -> {
            List<Object> cells = new ArrayList<>();
            cells.add(object.path("metadata").path("name").asText(""));
            for (int i = 0; i < columns.size(); i++) {
                cells.add(cell(columns.get(i).type(), paths.get(i).first(object), now));
            }
            return cells;
        });
    }

    /** A cell as the reference's cellForJSONValue makes it; null (JSON null) when the value does not fit. */
    static Object cell(String type, JsonNode value, Instant now) {
        if (value == null || value.isNull()) {
            return null;
        }
        return switch (type) {
            case "integer" -> value.isNumber() ? (Object) value.asLong() : null;
            case "number" -> value.isNumber() ? CustomResources.JSON.getNodeFactory().numberNode(value.asDouble()) : null;
            case "boolean" -> value.isBoolean() ? (Object) value.asBoolean() : null;
            case "date" -> {
                if (!value.isTextual()) {
                    yield null;
                }
                try {
                    yield HumanDuration.since(Instant.parse(value.asText()), now);
                } catch (DateTimeParseException e) {
                    yield "<invalid>";
                }
            }
            // a string column prints any value, as the JSONPath printer does
            default -> value.isTextual() ? value.asText() : value.isValueNode() ? value.asText() : value.toString();
        };
    }

    // ---- scale ----------------------------------------------------------------------------------

    /** The autoscaling/v1 Scale of an object, read at the version's scale paths. */
    static ObjectNode scaleOf(ObjectNode object, CustomResources.ScalePaths paths) {
        ObjectNode scale = dev.caravel.apiserver.registry.Scale.skeleton(object);
        JsonNode specReplicas = JsonPath.parse(paths.specReplicasPath()).first(object);
        scale.putObject("spec").put("replicas", specReplicas == null ? 0 : specReplicas.asInt());
        ObjectNode status = scale.putObject("status");
        JsonNode statusReplicas = JsonPath.parse(paths.statusReplicasPath()).first(object);
        status.put("replicas", statusReplicas == null ? 0 : statusReplicas.asInt());
        if (!paths.labelSelectorPath().isEmpty()) {
            JsonNode selector = JsonPath.parse(paths.labelSelectorPath()).first(object);
            if (selector != null && selector.isTextual()) {
                status.put("selector", selector.asText());
            }
        }
        return scale;
    }

    /** The object with the Scale's spec.replicas written at specReplicasPath. */
    static ObjectNode withScale(ObjectNode live, ObjectNode scale, CustomResources.ScalePaths paths) {
        JsonNode replicas = scale.path("spec").path("replicas");
        if (replicas.isIntegralNumber() && replicas.asLong() < 0) {
            throw dev.caravel.apiserver.api.StatusException.invalid(new GroupKind("autoscaling", "Scale"),
                    scale.path("metadata").path("name").asText(""), List.of(dev.caravel.apiserver.api.FieldError.invalid(
                            dev.caravel.apiserver.api.FieldPath.of("spec", "replicas"), replicas.asLong(),
                            "must be greater than or equal to 0")));
        }
        List<String> fields = JsonPath.parse(paths.specReplicasPath()).fieldNames();
        ObjectNode parent = live;
        for (int i = 0; i < fields.size() - 1; i++) {
            parent = parent.withObjectProperty(fields.get(i));
        }
        if (replicas.isMissingNode() || replicas.isNull()) {
            parent.remove(fields.get(fields.size() - 1));
        } else {
            parent.set(fields.get(fields.size() - 1), replicas);
        }
        String rv = scale.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty()) {
            live.withObjectProperty("metadata").put("resourceVersion", rv);
        }
        return live;
    }
}
