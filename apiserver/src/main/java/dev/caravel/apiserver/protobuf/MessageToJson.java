package dev.caravel.apiserver.protobuf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.caravel.apiserver.schema.Schema;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Turns a decoded message of the built-in API into the JSON Kubernetes would write for the same
 * Go object, driven by the message's descriptor and the OpenAPI definition of its type: one
 * recursive walk, no per-type code.
 *
 * <p>Why the OpenAPI definition too: the proto files lose four things the JSON form keeps.
 * <ul>
 *   <li><b>A few names.</b> Some proto names keep the Go field's casing ({@code uID} for
 *       {@code uid}); the definition's property that differs only in case is the JSON name.</li>
 *   <li><b>Inlined structs.</b> Go's {@code json:",inline"} (a Volume's VolumeSource, a Probe's
 *       ProbeHandler) is a nested message in protobuf; a message field that the definition does
 *       not list as a property is one, and its fields are written into the parent.</li>
 *   <li><b>Zero values.</b> Go's protobuf writes every non-pointer scalar, zero or not, while its
 *       JSON drops zero values of {@code omitempty} fields. Both kinds of field are
 *       {@code optional} in the proto file, so a zero on the wire is dropped unless the field
 *       is required in the definition (Go writes those without {@code omitempty}) or is a
 *       pointer whose zero means something ({@code replicas: 0}), listed in
 *       {@code pointer-fields.txt}.</li>
 *   <li><b>Named slices.</b> A Go {@code []string} type such as {@code ExtraValue} becomes a
 *       message with one repeated {@code items} field; with no definition of its own it is
 *       written as the array it is.</li>
 * </ul>
 * A message present on the wire is always written, even empty: Go writes non-pointer structs
 * ({@code "spec": {}}) and omits only nil pointers, which protobuf does not send.
 *
 * <p>Thread-safe; the layouts of the types are computed once and kept.
 */
final class MessageToJson {

    private static final Logger LOG = LoggerFactory.getLogger(MessageToJson.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    /** metav1.Time's JSON form: RFC 3339 in UTC, whole seconds. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /** metav1.MicroTime's JSON form: RFC 3339 in UTC, always six fractional digits. */
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** How a message type is written in JSON. */
    private enum Shape {
        OBJECT, TIME, MICRO_TIME, DURATION, QUANTITY, INT_OR_STRING, RAW_JSON, SLICE
    }

    private record FieldLayout(FieldDescriptor field, String jsonName, boolean inline, boolean keepsZero) {
    }

    private record Layout(Shape shape, List<FieldLayout> fields) {
    }

    private final SchemaCatalogue catalogue;
    private final Set<String> pointerFields;
    /** Decodes an embedded protobuf object (a RawExtension holding {@code k8s\0...}) to JSON. */
    private final Function<byte[], JsonNode> embeddedObjects;
    private final Map<Descriptor, Layout> layouts = new ConcurrentHashMap<>();
    /** Unknown field numbers already logged, per type, so a chatty client logs each once. */
    private final Set<String> reportedUnknownFields = ConcurrentHashMap.newKeySet();

    MessageToJson(SchemaCatalogue catalogue, Set<String> pointerFields, Function<byte[], JsonNode> embeddedObjects) {
        this.catalogue = catalogue;
        this.pointerFields = Set.copyOf(pointerFields);
        this.embeddedObjects = embeddedObjects;
    }

    /**
     * The JSON of a top-level object.
     *
     * @throws MalformedMessage when an embedded JSON or object in it cannot be read
     */
    ObjectNode object(Message message) {
        ObjectNode out = NODES.objectNode();
        writeFields(message, layoutOf(message.getDescriptorForType()), out);
        return out;
    }

    private void writeFields(Message message, Layout layout, ObjectNode out) {
        reportUnknownFields(message);
        for (FieldLayout f : layout.fields()) {
            FieldDescriptor field = f.field();
            if (field.isMapField()) {
                if (message.getRepeatedFieldCount(field) > 0) {
                    out.set(f.jsonName(), map(message, field));
                }
            } else if (field.isRepeated()) {
                int count = message.getRepeatedFieldCount(field);
                if (count > 0) {
                    ArrayNode array = out.putArray(f.jsonName());
                    for (int i = 0; i < count; i++) {
                        array.add(value(field, message.getRepeatedField(field, i)));
                    }
                }
            } else if (message.hasField(field)) {
                Object value = message.getField(field);
                if (f.inline()) {
                    Message inlined = (Message) value;
                    writeFields(inlined, layoutOf(inlined.getDescriptorForType()), out);
                } else if (f.keepsZero() || !isZero(value)) {
                    out.set(f.jsonName(), value(field, value));
                }
            }
        }
    }

    /** A proto map (repeated key/value entries) as an object; Go keeps a map's zero values. */
    private ObjectNode map(Message message, FieldDescriptor field) {
        Descriptor entry = field.getMessageType();
        FieldDescriptor key = entry.findFieldByNumber(1);
        FieldDescriptor value = entry.findFieldByNumber(2);
        ObjectNode out = NODES.objectNode();
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            Message e = (Message) message.getRepeatedField(field, i);
            out.set(String.valueOf(e.getField(key)), value(value, e.getField(value)));
        }
        return out;
    }

    private JsonNode value(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case MESSAGE -> message((Message) value);
            case STRING -> NODES.textNode((String) value);
            case INT -> NODES.numberNode((Integer) value);
            case LONG -> NODES.numberNode((Long) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case FLOAT -> NODES.numberNode((Float) value);
            case DOUBLE -> NODES.numberNode((Double) value);
            // Go's encoding/json writes a []byte as standard base64 with padding.
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> NODES.textNode(value.toString());
        };
    }

    private JsonNode message(Message message) {
        Layout layout = layoutOf(message.getDescriptorForType());
        Descriptor type = message.getDescriptorForType();
        return switch (layout.shape()) {
            case OBJECT -> {
                ObjectNode out = NODES.objectNode();
                writeFields(message, layout, out);
                yield out;
            }
            // Go sends the zero Time as an empty message and writes it as null in JSON.
            case TIME -> message.getAllFields().isEmpty() ? NODES.nullNode()
                    : NODES.textNode(TIME.format(instantOf(message)));
            case MICRO_TIME -> message.getAllFields().isEmpty() ? NODES.nullNode()
                    : NODES.textNode(MICRO_TIME.format(instantOf(message)));
            case DURATION -> NODES.textNode(GoDuration.format(longField(message, "duration")));
            // The zero Quantity is "0" in Go's JSON; protobuf carries its canonical string.
            case QUANTITY -> {
                String text = (String) message.getField(type.findFieldByName("string"));
                yield NODES.textNode(text.isEmpty() ? "0" : text);
            }
            case INT_OR_STRING -> longField(message, "type") == 1
                    ? NODES.textNode((String) message.getField(type.findFieldByName("strVal")))
                    : NODES.numberNode((Integer) message.getField(type.findFieldByName("intVal")));
            case RAW_JSON -> rawJson(((ByteString) message.getField(type.findFieldByNumber(1))).toByteArray(), type);
            case SLICE -> {
                FieldDescriptor items = type.getFields().getFirst();
                ArrayNode out = NODES.arrayNode();
                for (int i = 0; i < message.getRepeatedFieldCount(items); i++) {
                    out.add(value(items, message.getRepeatedField(items, i)));
                }
                yield out;
            }
        };
    }

    private static Instant instantOf(Message time) {
        Descriptor type = time.getDescriptorForType();
        long seconds = (Long) time.getField(type.findFieldByName("seconds"));
        int nanos = (Integer) time.getField(type.findFieldByName("nanos"));
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static long longField(Message message, String name) {
        return ((Number) message.getField(message.getDescriptorForType().findFieldByName(name))).longValue();
    }

    /**
     * RawExtension, FieldsV1 and apiextensions' JSON carry JSON text, written as the JSON it
     * is (null when empty, as Go's MarshalJSON does); a RawExtension may instead hold a
     * protobuf object of its own, decoded through its envelope.
     */
    private JsonNode rawJson(byte[] raw, Descriptor type) {
        if (raw.length == 0) {
            return NODES.nullNode();
        }
        if (ProtobufEnvelope.hasMagic(raw)) {
            return embeddedObjects.apply(raw);
        }
        try {
            return JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new MalformedMessage("the " + type.getName() + " does not hold valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isZero(Object value) {
        return switch (value) {
            case String s -> s.isEmpty();
            case Integer i -> i == 0;
            case Long l -> l == 0;
            case Boolean b -> !b;
            case ByteString b -> b.isEmpty();
            case Float f -> f == 0;
            case Double d -> d == 0;
            default -> false;
        };
    }

    private void reportUnknownFields(Message message) {
        if (message.getUnknownFields().asMap().isEmpty()) {
            return;
        }
        // A client newer than the descriptors sent a field they do not know: Kubernetes at
        // the descriptors' version would drop it too, but that is data lost, worth a log line.
        for (Integer number : message.getUnknownFields().asMap().keySet()) {
            String key = message.getDescriptorForType().getFullName() + "#" + number;
            if (reportedUnknownFields.add(key)) {
                LOG.warn("dropping protobuf field {} of {}, which the built-in descriptors do not know",
                        number, message.getDescriptorForType().getFullName());
            }
        }
    }

    // ---- layouts --------------------------------------------------------------------------------

    private Layout layoutOf(Descriptor type) {
        Layout layout = layouts.get(type);
        if (layout == null) {
            // Computed outside computeIfAbsent: a layout asks for the shapes of its field types.
            layout = computeLayout(type);
            layouts.putIfAbsent(type, layout);
        }
        return layout;
    }

    private Layout computeLayout(Descriptor type) {
        Optional<Schema> definition = catalogue.definition(MessageTypes.definitionNameOf(type));
        Shape shape = shapeOf(type, definition.isPresent());
        if (shape != Shape.OBJECT) {
            return new Layout(shape, List.of());
        }
        Set<String> properties = definition.map(d -> d.properties().keySet()).orElse(Set.of());
        List<String> required = definition.map(Schema::required).orElse(List.of());
        List<FieldLayout> fields = new ArrayList<>(type.getFields().size());
        for (FieldDescriptor field : type.getFields()) {
            String jsonName = jsonNameOf(field, properties);
            boolean inline = definition.isPresent()
                    && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && !field.isRepeated()
                    && !properties.contains(jsonName)
                    && shapeOf(field.getMessageType(),
                            catalogue.definition(MessageTypes.definitionNameOf(field.getMessageType())).isPresent())
                            == Shape.OBJECT;
            boolean keepsZero = required.contains(jsonName) || pointerFields.contains(field.getFullName());
            fields.add(new FieldLayout(field, jsonName, inline, keepsZero));
        }
        return new Layout(Shape.OBJECT, List.copyOf(fields));
    }

    /**
     * The JSON name of a field: its proto name, which go-to-protobuf takes from the JSON tag,
     * except where it took the Go name's casing instead ({@code uID} for {@code uid},
     * {@code aPIGroup}, admissionregistration's {@code Webhooks} and {@code Expression}): the
     * definition's property of that name in another case is the JSON name then.
     */
    private static String jsonNameOf(FieldDescriptor field, Set<String> properties) {
        String name = field.getName();
        if (properties.contains(name)) {
            return name;
        }
        for (String property : properties) {
            if (property.equalsIgnoreCase(name)) {
                return property;
            }
        }
        return name;
    }

    private static Shape shapeOf(Descriptor type, boolean hasDefinition) {
        String name = type.getFullName();
        switch (name) {
            case META + "Time":
                return Shape.TIME;
            case META + "MicroTime":
                return Shape.MICRO_TIME;
            case META + "Duration":
                return Shape.DURATION;
            case META + "FieldsV1":
            case "k8s.io.apimachinery.pkg.runtime.RawExtension":
                return Shape.RAW_JSON;
            case "k8s.io.apimachinery.pkg.api.resource.Quantity":
                return Shape.QUANTITY;
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
                return Shape.INT_OR_STRING;
            default:
                break;
        }
        if (name.endsWith(".pkg.apis.apiextensions.v1.JSON") || name.endsWith(".pkg.apis.apiextensions.v1beta1.JSON")) {
            return Shape.RAW_JSON;
        }
        List<FieldDescriptor> fields = type.getFields();
        if (!hasDefinition && fields.size() == 1 && fields.getFirst().isRepeated()
                && !fields.getFirst().isMapField() && fields.getFirst().getName().equals("items")) {
            return Shape.SLICE;
        }
        return Shape.OBJECT;
    }

    /** A message whose content cannot be written as JSON: the reason, for a 400. */
    static final class MalformedMessage extends RuntimeException {
        MalformedMessage(String reason, Throwable cause) {
            super(reason, cause, false, false);
        }
    }
}
