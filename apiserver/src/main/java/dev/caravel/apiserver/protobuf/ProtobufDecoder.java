package dev.caravel.apiserver.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.schema.SchemaCatalogue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a request body of content type {@value #CONTENT_TYPE} into the JSON object a JSON client
 * would have sent for the same Go object, so that everything after decoding sees one form.
 *
 * <p>The body is Kubernetes' protobuf serialization: {@code k8s\0}, then a {@code runtime.Unknown}
 * envelope whose TypeMeta names the kind and whose raw bytes are the message (see
 * {@link ProtobufEnvelope}). The message type is found from the group/version/kind through the
 * OpenAPI definitions; the message is parsed with its descriptor and written by
 * {@link MessageToJson}. The envelope's kind and version default to the expected ones when
 * empty, as Kubernetes' serializer defaults them, and the result carries them as
 * {@code kind} and {@code apiVersion}.
 *
 * <p>Failures are 400s worded as Kubernetes' create and update handlers word decode errors:
 * a body that is no protobuf envelope is {@code the object provided is unrecognized (must be of
 * type Pod): <why> (<first bytes>)}; a message that cannot be read is {@code Pod in version "v1"
 * cannot be handled as a Pod: <why>}; an envelope of another group/version is
 * {@code the API version in the data (apps/v1) does not match the expected API version (v1)}.
 *
 * <p>Thread-safe; one instance serves the whole server.
 */
public final class ProtobufDecoder {

    /** The media type of Kubernetes' protobuf bodies. */
    public static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";

    private static final String POINTER_FIELDS = "pointer-fields.txt";
    private static final String DELETE_OPTIONS = "DeleteOptions";
    private static final String META_DEFINITIONS = "io.k8s.apimachinery.pkg.apis.meta.";

    private final SchemaCatalogue catalogue;
    private final Supplier<MessageTypes> typeSource;
    /**
     * The message types and converter, built at the first protobuf body: loading every built-in
     * type's descriptor costs about a quarter of a second, which a server whose clients all speak
     * JSON (most JUnit users) should not pay at start.
     */
    private volatile Loaded loaded;

    private record Loaded(MessageTypes types, MessageToJson toJson) {}

    private ProtobufDecoder(SchemaCatalogue catalogue, Supplier<MessageTypes> typeSource) {
        this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
        this.typeSource = typeSource;
    }

    /** The decoder of Kubernetes' built-in types, described by the given OpenAPI definitions. */
    public static ProtobufDecoder forBuiltInTypes(SchemaCatalogue catalogue) {
        return new ProtobufDecoder(catalogue, MessageTypes::builtIn);
    }

    private Loaded loaded() {
        Loaded current = loaded;
        if (current == null) {
            synchronized (this) {
                current = loaded;
                if (current == null) {
                    current = new Loaded(typeSource.get(),
                            new MessageToJson(catalogue, loadPointerFields(), this::embeddedObject));
                    loaded = current;
                }
            }
        }
        return current;
    }

    /** Whether bodies of this kind can be decoded (custom resources, for one, have no protobuf form). */
    public boolean supports(GroupVersionKind kind) {
        return messageType(kind).isPresent();
    }

    /**
     * Decodes a body sent to a URL of the expected kind (for a delete, {@code DeleteOptions} in
     * the URL's group and version).
     *
     * @return a new JSON object the caller owns
     * @throws StatusException 400 BadRequest when the body is not a protobuf object of that kind
     */
    public ObjectNode decode(byte[] body, GroupVersionKind expected) {
        Objects.requireNonNull(expected, "expected");
        ProtobufEnvelope envelope;
        try {
            envelope = ProtobufEnvelope.parse(body);
        } catch (ProtobufEnvelope.MalformedBody e) {
            throw StatusException.unrecognizedObject(expected.kind(), e.getMessage(), body);
        }
        GroupVersionKind actual = withDefaults(envelope, expected);
        if (expected.kind().equals(DELETE_OPTIONS) && actual.kind().equals(DELETE_OPTIONS)) {
            // Clients send DeleteOptions as meta.k8s.io/v1 or in the resource's own group
            // version; Kubernetes accepts every group version that registers it.
            return decodeMessage(envelope, actual, expected);
        }
        if (!actual.apiVersion().equals(expected.apiVersion())) {
            throw StatusException.apiVersionMismatch(actual.apiVersion(), expected.apiVersion());
        }
        if (!actual.kind().equals(expected.kind())) {
            throw StatusException.cannotBeHandledAs(actual.kind(), actual.version(), expected.kind(),
                    supports(actual)
                            ? "converting (" + actual.version() + "." + actual.kind() + ") to ("
                                    + expected.version() + "." + expected.kind() + "): unknown conversion"
                            : "no kind " + quote(actual.kind()) + " is registered for version "
                                    + quote(actual.apiVersion()));
        }
        return decodeMessage(envelope, actual, expected);
    }

    private ObjectNode decodeMessage(ProtobufEnvelope envelope, GroupVersionKind actual, GroupVersionKind expected) {
        Descriptor type = messageType(actual).orElseThrow(() -> StatusException.cannotBeHandledAs(
                actual.kind(), actual.version(), expected.kind(),
                "no kind " + quote(actual.kind()) + " is registered for version " + quote(actual.apiVersion())));
        try {
            return withTypeMeta(actual, loaded().toJson().object(DynamicMessage.parseFrom(type, envelope.raw())));
        } catch (InvalidProtocolBufferException e) {
            throw StatusException.cannotBeHandledAs(actual.kind(), actual.version(), expected.kind(),
                    ProtobufEnvelope.reasonOf(e));
        } catch (MessageToJson.MalformedMessage e) {
            throw StatusException.cannotBeHandledAs(actual.kind(), actual.version(), expected.kind(), e.getMessage());
        }
    }

    /**
     * A protobuf object inside a RawExtension: its own envelope names its kind, with no
     * expected kind to check it against.
     */
    private JsonNode embeddedObject(byte[] raw) {
        try {
            ProtobufEnvelope envelope = ProtobufEnvelope.parse(raw);
            if (envelope.kind().isEmpty() || envelope.apiVersion().isEmpty()) {
                throw new MessageToJson.MalformedMessage("an embedded object has no kind or apiVersion", null);
            }
            GroupVersionKind kind = GroupVersionKind.of(envelope.apiVersion(), envelope.kind());
            Descriptor type = messageType(kind).orElseThrow(() -> new MessageToJson.MalformedMessage(
                    "no kind " + quote(kind.kind()) + " is registered for version " + quote(kind.apiVersion()), null));
            return withTypeMeta(kind, loaded().toJson().object(DynamicMessage.parseFrom(type, envelope.raw())));
        } catch (ProtobufEnvelope.MalformedBody e) {
            throw new MessageToJson.MalformedMessage(e.getMessage(), e);
        } catch (InvalidProtocolBufferException e) {
            throw new MessageToJson.MalformedMessage(ProtobufEnvelope.reasonOf(e), e);
        }
    }

    private Optional<Descriptor> messageType(GroupVersionKind kind) {
        if (kind.group().equals(GroupKind.META_GROUP)) {
            // meta.k8s.io kinds (DeleteOptions sent as meta.k8s.io/v1) are served by no path,
            // so the OpenAPI document lists no such group/version/kind.
            return loaded().types().byDefinitionName(META_DEFINITIONS + kind.version() + "." + kind.kind());
        }
        MessageTypes types = loaded().types();
        return catalogue.definitionNameOf(kind).flatMap(types::byDefinitionName);
    }

    /** Kubernetes' copyKindDefaults: an empty kind, or an empty version, comes from the URL. */
    private static GroupVersionKind withDefaults(ProtobufEnvelope envelope, GroupVersionKind expected) {
        String kind = envelope.kind().isEmpty() ? expected.kind() : envelope.kind();
        return envelope.apiVersion().isEmpty()
                ? new GroupVersionKind(expected.group(), expected.version(), kind)
                : GroupVersionKind.of(envelope.apiVersion(), kind);
    }

    /** kind and apiVersion first, as a Go client's JSON has them. */
    private static ObjectNode withTypeMeta(GroupVersionKind kind, ObjectNode fields) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("kind", kind.kind());
        out.put("apiVersion", kind.apiVersion());
        out.setAll(fields);
        return out;
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }

    private static Set<String> loadPointerFields() {
        try (InputStream in = ProtobufDecoder.class.getResourceAsStream(POINTER_FIELDS)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + POINTER_FIELDS + " is missing");
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return reader.lines().map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                        .collect(Collectors.toUnmodifiableSet());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + POINTER_FIELDS, e);
        }
    }
}
