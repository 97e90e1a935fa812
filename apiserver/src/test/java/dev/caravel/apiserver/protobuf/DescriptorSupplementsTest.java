package dev.caravel.apiserver.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kinds and fields the generated messages lack: bodies are written field by field here, as a
 * Go client of 1.31 to 1.34 puts them on the wire.
 */
class DescriptorSupplementsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProtobufDecoder DECODER = ProtobufDecoder.forBuiltInTypes(SchemaCatalogue.kubernetes());

    @Test
    void leaseOfLeaderElectionKeepsZeroDurationAndMicroTimes() throws IOException {
        byte[] spec = message(out -> {
            out.writeString(1, "node-1");
            out.writeInt32(2, 0);
            out.writeByteArray(4, Meta.MicroTime.newBuilder().setSeconds(1_136_214_245L).setNanos(5_000).build().toByteArray());
            out.writeInt32(5, 3);
        });
        byte[] lease = message(out -> {
            out.writeByteArray(1, objectMeta("kube-scheduler", "kube-system"));
            out.writeByteArray(2, spec);
        });

        ObjectNode json = DECODER.decode(envelope(lease, "coordination.k8s.io/v1", "Lease"),
                new GroupVersionKind("coordination.k8s.io", "v1", "Lease"));

        assertThat(normalized(json)).isEqualTo(parse("""
                {"kind":"Lease","apiVersion":"coordination.k8s.io/v1",
                 "metadata":{"name":"kube-scheduler","namespace":"kube-system"},
                 "spec":{"holderIdentity":"node-1","leaseDurationSeconds":0,
                         "renewTime":"2006-01-02T15:04:05.000005Z","leaseTransitions":3}}"""));
    }

    @Test
    void endpointSliceKeepsAnExplicitNotReadyCondition() throws IOException {
        byte[] endpoint = message(out -> {
            out.writeString(1, "10.0.0.1");
            out.writeByteArray(2, message(c -> c.writeBool(1, false)));
            out.writeByteArray(5, message(e -> {
                e.writeString(1, "zone");
                e.writeString(2, "a");
            }));
        });
        byte[] slice = message(out -> {
            out.writeByteArray(1, objectMeta("web-abc", "default"));
            out.writeByteArray(2, endpoint);
            out.writeByteArray(3, message(p -> {
                p.writeString(1, "");
                p.writeString(2, "TCP");
                p.writeInt32(3, 8080);
            }));
            out.writeString(4, "IPv4");
        });

        ObjectNode json = DECODER.decode(envelope(slice, "discovery.k8s.io/v1", "EndpointSlice"),
                new GroupVersionKind("discovery.k8s.io", "v1", "EndpointSlice"));

        assertThat(normalized(json)).isEqualTo(parse("""
                {"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1",
                 "metadata":{"name":"web-abc","namespace":"default"},
                 "addressType":"IPv4",
                 "endpoints":[{"addresses":["10.0.0.1"],"conditions":{"ready":false},
                               "deprecatedTopology":{"zone":"a"}}],
                 "ports":[{"name":"","protocol":"TCP","port":8080}]}"""));
    }

    @Test
    void eventsV1EventIsKnown() throws IOException {
        byte[] event = message(out -> {
            out.writeByteArray(1, objectMeta("e1", "default"));
            out.writeString(4, "kubernetes.io/kubelet");
            out.writeString(11, "Normal");
            out.writeInt32(15, 0);
        });

        ObjectNode json = DECODER.decode(envelope(event, "events.k8s.io/v1", "Event"),
                new GroupVersionKind("events.k8s.io", "v1", "Event"));

        assertThat(normalized(json)).isEqualTo(parse("""
                {"kind":"Event","apiVersion":"events.k8s.io/v1",
                 "metadata":{"name":"e1","namespace":"default"},
                 "reportingController":"kubernetes.io/kubelet","type":"Normal"}"""));
    }

    @Test
    void podFieldsOfNewerClientsAreKept() throws IOException {
        byte[] cpu = message(q -> q.writeString(1, "2"));
        byte[] resources = message(r -> r.writeByteArray(1, message(entry -> {
            entry.writeString(1, "cpu");
            entry.writeByteArray(2, cpu);
        })));
        byte[] spec = message(out -> {
            out.writeByteArray(14, message(sc -> sc.writeString(12, "Strict")));
            out.writeByteArray(39, message(claim -> {
                claim.writeString(1, "gpu");
                claim.writeString(4, "gpu-template");
            }));
            out.writeByteArray(40, resources);
        });
        byte[] pod = message(out -> {
            out.writeByteArray(1, objectMeta("p", "default"));
            out.writeByteArray(2, spec);
        });

        ObjectNode json = DECODER.decode(envelope(pod, "v1", "Pod"), new GroupVersionKind("", "v1", "Pod"));

        assertThat(normalized(json.at("/spec/resources"))).isEqualTo(parse("{\"limits\":{\"cpu\":\"2\"}}"));
        assertThat(normalized(json.at("/spec/securityContext"))).isEqualTo(parse("{\"supplementalGroupsPolicy\":\"Strict\"}"));
        assertThat(normalized(json.at("/spec/resourceClaims"))).isEqualTo(parse("""
                [{"name":"gpu","resourceClaimTemplateName":"gpu-template"}]"""));
    }

    @Test
    void accessReviewsCarryTheirSelectors() throws IOException {
        byte[] attributes = message(out -> {
            out.writeString(1, "default");
            out.writeString(2, "list");
            out.writeString(5, "pods");
            out.writeByteArray(9, message(l -> l.writeString(1, "app=web")));
        });
        byte[] review = message(out -> {
            out.writeByteArray(1, objectMeta("", ""));
            out.writeByteArray(2, message(spec -> spec.writeByteArray(1, attributes)));
        });

        ObjectNode json = DECODER.decode(envelope(review, "authorization.k8s.io/v1", "SelfSubjectAccessReview"),
                new GroupVersionKind("authorization.k8s.io", "v1", "SelfSubjectAccessReview"));

        assertThat(normalized(json.at("/spec/resourceAttributes"))).isEqualTo(parse("""
                {"namespace":"default","verb":"list","resource":"pods","labelSelector":{"rawSelector":"app=web"}}"""));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        fields.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] objectMeta(String name, String namespace) {
        return Meta.ObjectMeta.newBuilder().setName(name).setNamespace(namespace).build().toByteArray();
    }

    private static byte[] envelope(byte[] raw, String apiVersion, String kind) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x6b, 0x38, 0x73, 0x00});
        out.writeBytes(Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(ByteString.copyFrom(raw))
                .build().toByteArray());
        return out.toByteArray();
    }

    private static JsonNode normalized(JsonNode node) throws IOException {
        return JSON.readTree(JSON.writeValueAsString(node));
    }

    private static JsonNode parse(String json) throws IOException {
        return JSON.readTree(json);
    }
}
