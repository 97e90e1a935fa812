package dev.caravel.apiserver.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admission;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The protobuf message types of the built-in API, by full name ({@code k8s.io.api.core.v1.Pod}),
 * read from the descriptors compiled into client-java-proto. Kubernetes names each proto package
 * after the Go package ({@code k8s.io/api/core/v1}) and each OpenAPI definition after the same
 * package with the domain reversed ({@code io.k8s.api.core.v1.Pod}), so one name gives the
 * other: that is how a kind is found. A hyphen of the Go path is an underscore in proto
 * ({@code k8s.io.apiextensions_apiserver...}).
 *
 * <p>Only stable (v1) groups are listed: the beta and alpha files of the artifact describe
 * versions Kubernetes 1.31 to 1.34 no longer serve.
 */
final class MessageTypes {

    private static final MessageTypes BUILT_IN = new MessageTypes(List.of(
            Meta.getDescriptor(), Runtime.getDescriptor(), Resource.getDescriptor(), IntStr.getDescriptor(),
            V1.getDescriptor(), V1Apps.getDescriptor(), V1Batch.getDescriptor(), V1Rbac.getDescriptor(),
            V1Policy.getDescriptor(), V1Networking.getDescriptor(), V1Storage.getDescriptor(),
            V1Scheduling.getDescriptor(), V1Authentication.getDescriptor(), V1Authorization.getDescriptor(),
            V1Autoscaling.getDescriptor(), V1Certificates.getDescriptor(),
            V1Admission.getDescriptor(), V1Admissionregistration.getDescriptor()));

    private final Map<String, Descriptor> byFullName;

    MessageTypes(List<FileDescriptor> files) {
        Map<String, Descriptor> types = new HashMap<>();
        Set<String> seen = new HashSet<>();
        Deque<FileDescriptor> pending = new ArrayDeque<>(files);
        while (!pending.isEmpty()) {
            FileDescriptor file = pending.pop();
            if (!seen.add(file.getFullName())) {
                continue;
            }
            for (Descriptor type : file.getMessageTypes()) {
                types.put(type.getFullName(), type);
            }
            pending.addAll(file.getDependencies());
        }
        this.byFullName = Collections.unmodifiableMap(types);
    }

    static MessageTypes builtIn() {
        return BUILT_IN;
    }

    Optional<Descriptor> byFullName(String fullName) {
        return Optional.ofNullable(byFullName.get(fullName));
    }

    private static final String DEFINITION_PREFIX = "io.k8s.";
    private static final String PROTO_PREFIX = "k8s.io.";

    /** The type of the OpenAPI definition {@code io.k8s.api.core.v1.Pod}. */
    Optional<Descriptor> byDefinitionName(String definitionName) {
        return definitionName.startsWith(DEFINITION_PREFIX)
                ? byFullName(PROTO_PREFIX + definitionName.substring(DEFINITION_PREFIX.length()).replace('-', '_'))
                : Optional.empty();
    }

    /** The OpenAPI definition name of a message type: {@code io.k8s.api.core.v1.Pod} for {@code k8s.io.api.core.v1.Pod}. */
    static String definitionNameOf(Descriptor type) {
        String name = type.getFullName();
        return name.startsWith(PROTO_PREFIX)
                ? DEFINITION_PREFIX + name.substring(PROTO_PREFIX.length()).replace('_', '-')
                : name;
    }
}
