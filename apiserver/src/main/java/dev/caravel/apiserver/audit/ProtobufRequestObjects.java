package dev.caravel.apiserver.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.protobuf.ProtobufDecoder;
import dev.caravel.apiserver.request.RequestInfo;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.resource.SubresourceDefinition;
import dev.caravel.apiserver.schema.GroupVersionKind;

import java.util.Optional;

/**
 * Protobuf request bodies as JSON for the audit event (client-go, and so {@code kubectl create},
 * sends built-in objects as protobuf): the kind is the URL's resource's or subresource's, or
 * DeleteOptions for a delete, and the body is decoded as the REST handler decodes it. A body that
 * does not decode is left out of the event; the handler answers that request with a 400 itself.
 *
 * <p>This is a second decode of the same bytes, paid only for protobuf bodies of audited requests
 * (create and update at any level, for objectRef; any body at level Request and above).
 */
final class ProtobufRequestObjects implements AuditStage.BodyDecoder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResourceCatalogue catalogue;
    private final ProtobufDecoder decoder;

    ProtobufRequestObjects(ResourceCatalogue catalogue, ProtobufDecoder decoder) {
        this.catalogue = catalogue;
        this.decoder = decoder;
    }

    /** The decoder the server wires into its audit stage. */
    static AuditStage.BodyDecoder of(ResourceCatalogue catalogue, ProtobufDecoder decoder) {
        return new ProtobufRequestObjects(catalogue, decoder);
    }

    @Override
    public byte[] toJson(ApiRequest request) {
        RequestInfo info = request.info();
        Optional<GroupVersionKind> kind = kindOf(info);
        if (kind.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsBytes(decoder.decode(request.body(), kind.get()));
        } catch (StatusException | JsonProcessingException e) {
            return null;
        }
    }

    private Optional<GroupVersionKind> kindOf(RequestInfo info) {
        if (info == null || !info.resourceRequest()) {
            return Optional.empty();
        }
        if (info.verb().equals("delete") || info.verb().equals("deletecollection")) {
            return Optional.of(new GroupVersionKind(info.apiGroup(), info.apiVersion(), "DeleteOptions"));
        }
        Optional<ResourceDefinition> resource = catalogue.snapshot()
                .resource(new GroupVersion(info.apiGroup(), info.apiVersion()), info.resource());
        if (resource.isEmpty()) {
            return Optional.empty();
        }
        if (info.subresource().isEmpty()) {
            return Optional.of(resource.get().groupVersionKind());
        }
        return resource.get().subresource(info.subresource()).map(SubresourceDefinition::kind);
    }
}
