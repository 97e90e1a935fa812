package dev.caravel.apiserver.protobuf;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kubernetes.client.proto.Runtime;

import java.util.Arrays;

/**
 * A Kubernetes protobuf body taken apart: the magic prefix {@code k8s\0} (the fourth byte names
 * the encoding; 0, the only one defined, means a {@code runtime.Unknown} follows), then the
 * {@code runtime.Unknown} envelope: TypeMeta (apiVersion, kind), the message bytes, and a
 * contentEncoding and contentType that Kubernetes writes empty and ignores on decode.
 *
 * @param apiVersion the envelope's apiVersion, possibly empty
 * @param kind the envelope's kind, possibly empty
 * @param raw the serialized message of that kind
 */
record ProtobufEnvelope(String apiVersion, String kind, byte[] raw, String contentEncoding, String contentType) {

    /** {@code k8s\0}, which every protobuf body of the API starts with. */
    private static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

    /** Whether the bytes start with the magic prefix (a RawExtension can hold either form). */
    static boolean hasMagic(byte[] data) {
        return data != null && data.length >= MAGIC.length
                && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /**
     * Reads an envelope; a failure carries the reason worded as Kubernetes' serializer words it
     * ({@code empty data}, {@code provided data does not appear to be a protobuf message,
     * expected prefix [107 56 115 0]}, {@code empty body}).
     */
    static ProtobufEnvelope parse(byte[] data) throws MalformedBody {
        if (data == null || data.length == 0) {
            throw new MalformedBody("empty data");
        }
        if (!hasMagic(data)) {
            throw new MalformedBody("provided data does not appear to be a protobuf message, expected prefix "
                    + goByteSlice(MAGIC));
        }
        if (data.length == MAGIC.length) {
            throw new MalformedBody("empty body");
        }
        Runtime.Unknown unknown;
        try {
            unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(data, MAGIC.length, data.length));
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedBody(reasonOf(e));
        }
        return new ProtobufEnvelope(unknown.getTypeMeta().getApiVersion(), unknown.getTypeMeta().getKind(),
                unknown.getRaw().toByteArray(), unknown.getContentEncoding(), unknown.getContentType());
    }

    /**
     * A protobuf parse failure in the words of Go's decoder where they differ plainly: a body cut
     * short is {@code unexpected EOF} there; other failures keep protobuf-java's wording.
     */
    static String reasonOf(InvalidProtocolBufferException e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("While parsing a protocol message, the input ended unexpectedly")
                ? "unexpected EOF" : message;
    }

    /** Go's {@code %v} of a byte slice: {@code [107 56 115 0]}. */
    private static String goByteSlice(byte[] bytes) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < bytes.length; i++) {
            out.append(i == 0 ? "" : " ").append(bytes[i] & 0xff);
        }
        return out.append(']').toString();
    }

    /** The bytes are not a protobuf body of the API; the message is the reason, as Kubernetes gives it. */
    static final class MalformedBody extends Exception {
        MalformedBody(String reason) {
            super(reason, null, false, false);
        }
    }
}
