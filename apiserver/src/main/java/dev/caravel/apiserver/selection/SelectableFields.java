package dev.caravel.apiserver.selection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.GoQuote;
import dev.caravel.apiserver.api.StatusException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields one kind can be selected by, as Kubernetes registers them per kind: the field label
 * conversion function (which fields a selector may name, and the 400 for one it may not) and the
 * GetAttrs function (each field's value, read from the object).
 *
 * <p>Kinds with their own conversion: Pod, Node, ReplicationController, Event, Namespace, Secret,
 * Service (core/v1), ReplicaSet (apps), Job (batch), CertificateSigningRequest. Every other kind
 * takes the default: {@code metadata.name} and {@code metadata.namespace}, refusing anything else
 * with {@code "x" is not a known field selector: only "metadata.name", "metadata.namespace"}.
 *
 * <p>A value is the string Kubernetes puts in the field set: booleans and numbers as Go prints them,
 * a missing string as "". {@code metadata.namespace} is in the set of namespaced kinds only, as
 * {@code ObjectMetaFieldsSet} does it.
 */
public final class SelectableFields {

    /** How a field's value is read from an object. */
    private record Field(String name, String[] path, Kind kind) {}

    private enum Kind { TEXT, BOOLEAN, NUMBER, POD_IPS }

    private final List<Field> fields;
    private final Map<String, String> aliases;
    private final boolean defaultConversion;
    private final String indexedField;

    private SelectableFields(List<Field> fields, Map<String, String> aliases, boolean defaultConversion,
                             String indexedField) {
        this.fields = List.copyOf(fields);
        this.aliases = Map.copyOf(aliases);
        this.defaultConversion = defaultConversion;
        this.indexedField = indexedField;
    }

    /** The selectable fields of a kind in a group. */
    public static SelectableFields of(String group, String kind, boolean namespaced) {
        Builder b = new Builder(namespaced);
        switch (group + "/" + kind) {
            case "/Pod" -> {
                b.text("spec.nodeName").text("spec.restartPolicy").text("spec.schedulerName")
                        .text("spec.serviceAccountName").bool("spec.hostNetwork").text("status.phase")
                        .podIps("status.podIP", false).podIps("status.podIPs", true).text("status.nominatedNodeName");
                // Old v1 clients send spec.host; Kubernetes reads it as spec.nodeName.
                return b.build(Map.of("spec.host", "spec.nodeName"), false, "spec.nodeName");
            }
            case "/Node" -> {
                b = new Builder(false).bool("spec.unschedulable");
                return b.build(Map.of(), false, null);
            }
            case "/ReplicationController" -> b.number("status.replicas");
            case "/Event" -> b.text("involvedObject.kind").text("involvedObject.namespace").text("involvedObject.name")
                    .text("involvedObject.uid").text("involvedObject.apiVersion").text("involvedObject.resourceVersion")
                    .text("involvedObject.fieldPath").text("reason").textAt("reportingComponent", "reportingComponent")
                    .textAt("source", "source.component").text("type");
            case "/Namespace" -> b = new Builder(false).text("status.phase");
            case "/Secret" -> b.text("type");
            case "/Service" -> b.text("spec.clusterIP").text("spec.type");
            case "apps/ReplicaSet" -> b.number("status.replicas");
            case "batch/Job" -> b.number("status.successful");
            case "certificates.k8s.io/CertificateSigningRequest" -> b.text("spec.signerName");
            default -> {
                return b.build(Map.of(), true, null);
            }
        }
        return b.build(Map.of(), false, null);
    }

    /**
     * The selectable fields of a custom resource whose CRD version declares {@code selectableFields}:
     * metadata.name (and metadata.namespace), then each declared field, named by its JSONPath
     * without the leading dot ({@code .spec.color} is {@code spec.color}); a scalar's value as
     * text, anything else "". Other fields are refused with "field label not supported".
     */
    public static SelectableFields declared(boolean namespaced, List<List<String>> fieldPaths) {
        Builder b = new Builder(namespaced);
        for (List<String> path : fieldPaths) {
            String name = String.join(".", path);
            b.fields.add(new Field(name, path.toArray(String[]::new), Kind.TEXT));
        }
        return b.build(Map.of(), false, null);
    }

    private static final class Builder {
        private final List<Field> fields = new ArrayList<>();

        Builder(boolean namespaced) {
            text("metadata.name");
            if (namespaced) {
                text("metadata.namespace");
            }
        }

        Builder text(String name) {
            return textAt(name, name);
        }

        Builder textAt(String name, String path) {
            fields.add(new Field(name, path.split("\\."), Kind.TEXT));
            return this;
        }

        Builder bool(String name) {
            fields.add(new Field(name, name.split("\\."), Kind.BOOLEAN));
            return this;
        }

        Builder number(String name) {
            fields.add(new Field(name, name.split("\\."), Kind.NUMBER));
            return this;
        }

        Builder podIps(String name, boolean all) {
            fields.add(new Field(name, new String[] {all ? "*" : "1"}, Kind.POD_IPS));
            return this;
        }

        SelectableFields build(Map<String, String> aliases, boolean defaultConversion, String indexedField) {
            return new SelectableFields(fields, aliases, defaultConversion, indexedField);
        }
    }

    /** The field names, in the order {@link #values} returns their values. */
    public List<String> names() {
        return fields.stream().map(Field::name).toList();
    }

    /** The position of a field in {@link #values}, -1 when the kind has no such field. */
    public int indexOf(String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The field a watch cache keeps an index of for this kind (pods: spec.nodeName), if any. */
    public Optional<String> indexedField() {
        return Optional.ofNullable(indexedField);
    }

    /**
     * The selector with its fields converted as the kind's conversion function does (aliases
     * resolved), or a 400 BadRequest naming the first field the kind does not support, with
     * Kubernetes' message. {@code metadata.namespace} is accepted for cluster-scoped kinds that
     * take the default conversion, as Kubernetes does (it then matches only "").
     */
    public FieldSelector convert(FieldSelector selector) {
        if (selector.isEverything()) {
            return selector;
        }
        return selector.transform(r -> {
            String field = aliases.getOrDefault(r.field(), r.field());
            boolean supported = defaultConversion
                    ? field.equals("metadata.name") || field.equals("metadata.namespace")
                    : indexOf(field) >= 0;
            if (!supported) {
                throw StatusException.badRequest(defaultConversion
                        ? GoQuote.quote(r.field()) + " is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                        : "field label not supported: " + r.field());
            }
            return field.equals(r.field()) ? r : new FieldRequirement(field, r.operator(), r.value());
        });
    }

    /** Each field's value in {@code object} (its metadata and body), in the order of {@link #names()}. */
    public String[] values(JsonNode object) {
        String[] values = new String[fields.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = value(fields.get(i), object);
        }
        return values;
    }

    private static String value(Field field, JsonNode object) {
        if (field.kind() == Kind.POD_IPS) {
            JsonNode ips = object.path("status").path("podIPs");
            if (field.path()[0].equals("1")) {
                String ip = object.path("status").path("podIP").asText("");
                return ip.isEmpty() && ips.size() > 0 ? ips.get(0).path("ip").asText("") : ip;
            }
            List<String> all = new ArrayList<>();
            ips.forEach(ip -> all.add(ip.path("ip").asText("")));
            return String.join(",", all);
        }
        JsonNode node = object;
        for (String step : field.path()) {
            node = node.path(step);
        }
        return switch (field.kind()) {
            case BOOLEAN -> Boolean.toString(node.asBoolean(false));
            case NUMBER -> Long.toString(node.asLong(0));
            default -> node.isValueNode() ? node.asText() : "";
        };
    }

    /** A field's value among {@code values}, "" when the kind has no such field (Kubernetes' fields.Set). */
    public String valueOf(String[] values, String name) {
        int i = indexOf(name);
        return i < 0 ? "" : values[i];
    }
}
