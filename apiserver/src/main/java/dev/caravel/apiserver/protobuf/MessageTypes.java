package dev.caravel.apiserver.protobuf;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;
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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * versions Kubernetes 1.31 to 1.34 no longer serve. The artifact's files are those of about
 * Kubernetes 1.29; {@code descriptor-supplements.textproto} adds the groups it lacks
 * (coordination, discovery, events) and newer fields clients send, and every file is rebuilt
 * with them, so that a Deployment's PodSpec is the supplemented one too.
 */
final class MessageTypes {

    /** Descriptors of what the artifact lacks: see the file's header. */
    private static final String SUPPLEMENTS = "descriptor-supplements.textproto";

    private static final MessageTypes BUILT_IN = new MessageTypes(List.of(
            Meta.getDescriptor(), Runtime.getDescriptor(), Resource.getDescriptor(), IntStr.getDescriptor(),
            V1.getDescriptor(), V1Apps.getDescriptor(), V1Batch.getDescriptor(), V1Rbac.getDescriptor(),
            V1Policy.getDescriptor(), V1Networking.getDescriptor(), V1Storage.getDescriptor(),
            V1Scheduling.getDescriptor(), V1Authentication.getDescriptor(), V1Authorization.getDescriptor(),
            V1Autoscaling.getDescriptor(), V1Certificates.getDescriptor(),
            V1Admission.getDescriptor(), V1Admissionregistration.getDescriptor()), loadSupplements());

    private final Map<String, Descriptor> byFullName;

    /**
     * The types of the given files and the files they import, with the supplements merged in.
     *
     * @param supplements files in descriptor form: one named like a given or imported file adds
     *     fields, nested types and messages to it; any other is a file of its own
     */
    MessageTypes(List<FileDescriptor> files, FileDescriptorSet supplements) {
        Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
        Deque<FileDescriptor> pending = new ArrayDeque<>(files);
        while (!pending.isEmpty()) {
            FileDescriptor file = pending.pop();
            if (protos.putIfAbsent(file.getName(), file.toProto()) == null) {
                pending.addAll(file.getDependencies());
            }
        }
        for (FileDescriptorProto supplement : supplements.getFileList()) {
            protos.merge(supplement.getName(), supplement, MessageTypes::supplemented);
        }
        Map<String, FileDescriptor> built = new HashMap<>();
        Map<String, Descriptor> types = new HashMap<>();
        for (String name : protos.keySet()) {
            for (Descriptor type : build(name, protos, built).getMessageTypes()) {
                types.put(type.getFullName(), type);
            }
        }
        this.byFullName = Collections.unmodifiableMap(types);
    }

    private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
                                        Map<String, FileDescriptor> built) {
        FileDescriptor file = built.get(name);
        if (file != null) {
            return file;
        }
        FileDescriptorProto proto = protos.get(name);
        if (proto == null) {
            throw new IllegalStateException("protobuf file " + name + " is imported but not known");
        }
        List<FileDescriptor> dependencies = new ArrayList<>();
        for (String dependency : proto.getDependencyList()) {
            dependencies.add(build(dependency, protos, built));
        }
        try {
            file = FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException("protobuf file " + name + " does not build: " + e.getMessage(), e);
        }
        built.put(name, file);
        return file;
    }

    /**
     * A file with a supplement's messages merged in. A field whose number the file already has
     * is left as the file has it: a newer artifact that knows the field wins over the supplement.
     */
    private static FileDescriptorProto supplemented(FileDescriptorProto file, FileDescriptorProto supplement) {
        FileDescriptorProto.Builder out = file.toBuilder();
        for (DescriptorProto extra : supplement.getMessageTypeList()) {
            int index = -1;
            for (int i = 0; i < out.getMessageTypeCount(); i++) {
                if (out.getMessageType(i).getName().equals(extra.getName())) {
                    index = i;
                }
            }
            if (index < 0) {
                out.addMessageType(extra);
                continue;
            }
            DescriptorProto.Builder message = out.getMessageTypeBuilder(index);
            Set<Integer> numbers = new HashSet<>();
            message.getFieldList().forEach(f -> numbers.add(f.getNumber()));
            Set<String> nested = new HashSet<>();
            message.getNestedTypeList().forEach(n -> nested.add(n.getName()));
            for (FieldDescriptorProto field : extra.getFieldList()) {
                if (numbers.add(field.getNumber())) {
                    message.addField(field);
                }
            }
            for (DescriptorProto type : extra.getNestedTypeList()) {
                if (nested.add(type.getName())) {
                    message.addNestedType(type);
                }
            }
        }
        for (String dependency : supplement.getDependencyList()) {
            if (!out.getDependencyList().contains(dependency)) {
                out.addDependency(dependency);
            }
        }
        return out.build();
    }

    private static FileDescriptorSet loadSupplements() {
        try (InputStream in = MessageTypes.class.getResourceAsStream(SUPPLEMENTS)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + SUPPLEMENTS + " is missing");
            }
            FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
            TextFormat.merge(new String(in.readAllBytes(), StandardCharsets.UTF_8), set);
            return set.build();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + SUPPLEMENTS, e);
        }
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
