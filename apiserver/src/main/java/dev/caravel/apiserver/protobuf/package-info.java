/**
 * Protobuf request bodies ({@code application/vnd.kubernetes.protobuf}), which client-go sends
 * for typed calls of kubectl and helm and never retries as JSON:
 * {@link dev.caravel.apiserver.protobuf.ProtobufDecoder} reads one into the JSON object a JSON
 * client would have sent, so the rest of the server sees one form. The message types come from
 * client-java-proto's descriptors; what the proto files do not say (inlined structs, which zero
 * values Go's JSON keeps) comes from the OpenAPI definitions and {@code pointer-fields.txt}.
 * Responses are written as JSON: see docs/decisions/0009-protobuf-request-bodies.md.
 */
package dev.caravel.apiserver.protobuf;
