package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schema shaped like those controller-gen writes (descriptions everywhere, metav1.Condition
 * lists, int-or-string quantities), checked, then used through prune, default and validate as a
 * custom resource's write goes.
 */
class GeneratedCrdSchemaTest {

    private static final JsonNode SCHEMA = Json.parse("""
            {description: 'Widget is the Schema for the widgets API', type: 'object', properties: {
              apiVersion: {description: 'APIVersion defines the versioned schema', type: 'string'},
              kind: {description: 'Kind is a string value', type: 'string'},
              metadata: {type: 'object'},
              spec: {description: 'WidgetSpec', type: 'object', required: ['image'], properties: {
                image: {type: 'string', minLength: 1},
                replicas: {type: 'integer', format: 'int32', default: 1, minimum: 0},
                memory: {anyOf: [{type: 'integer'}, {type: 'string'}],
                         pattern: '^(\\\\+|-)?(([0-9]+(\\\\.[0-9]*)?)|(\\\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\\\+|-)?(([0-9]+(\\\\.[0-9]*)?)|(\\\\.[0-9]+))))?$',
                         x-kubernetes-int-or-string: true},
                env: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['name'], items: {
                  type: 'object', required: ['name'], properties: {name: {type: 'string'}, value: {type: 'string'}}}},
                podTemplate: {type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true},
                selector: {type: 'object', x-kubernetes-map-type: 'atomic', properties: {
                  matchLabels: {type: 'object', additionalProperties: {type: 'string'}}}}
              }},
              status: {type: 'object', properties: {
                conditions: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['type'], items: {
                  type: 'object', required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'], properties: {
                    lastTransitionTime: {type: 'string', format: 'date-time'},
                    message: {type: 'string', maxLength: 32768},
                    observedGeneration: {type: 'integer', format: 'int64', minimum: 0},
                    reason: {type: 'string', maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'},
                    status: {type: 'string', enum: ['True', 'False', 'Unknown']},
                    type: {type: 'string', maxLength: 316}}}}}}
            }}""");

    private static final StructuralSchema ENGINE = StructuralSchema.of(SCHEMA);

    @Test
    void theGeneratedSchemaIsAccepted() {
        assertThat(StructuralSchema.check(SCHEMA, FieldPath.of("spec", "versions").index(0).child("schema", "openAPIV3Schema")))
                .isEmpty();
    }

    @Test
    void aWriteIsPrunedDefaultedAndThenValid() {
        ObjectNode widget = Json.object("""
                {apiVersion: 'example.com/v1', kind: 'Widget', metadata: {name: 'w'},
                 spec: {image: 'nginx', memory: '128Mi', env: [{name: 'A', value: '1'}], surprise: true,
                        podTemplate: {apiVersion: 'v1', kind: 'Pod', spec: {containers: []}}},
                 status: {conditions: [{type: 'Ready', status: 'True', reason: 'Up', message: '',
                          lastTransitionTime: '2024-05-01T10:00:00Z'}]}}""");

        assertThat(ENGINE.prune(widget)).containsExactly("spec.surprise");
        ENGINE.applyDefaults(widget);

        assertThat(widget.at("/spec/replicas").intValue()).isEqualTo(1);
        assertThat(ENGINE.validate(widget)).isEmpty();
    }

    @Test
    void aBrokenWriteGetsEveryErrorTheReferenceWouldGive() {
        JsonNode widget = Json.parse("""
                {apiVersion: 'example.com/v1', kind: 'Widget', metadata: {name: 'w'},
                 spec: {memory: '12 apples', replicas: -1, env: [{name: 'A'}, {name: 'A'}], podTemplate: {kind: 'Pod'}},
                 status: {conditions: [{type: 'Ready', status: 'Maybe', reason: '', message: 'm', lastTransitionTime: 'today'}]}}""");

        // in schema order (image, replicas, memory...), where Go's map order would be random
        assertThat(ENGINE.validate(widget)).extracting(FieldError::toString).containsExactly(
                "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0",
                "spec.memory: Invalid value: \"12 apples\": spec.memory in body should match "
                        + "'^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'",
                "spec.image: Required value",
                "status.conditions.0.lastTransitionTime: Invalid value: \"today\": "
                        + "status.conditions.0.lastTransitionTime in body must be of type date-time: \"today\"",
                "status.conditions.0.reason: Invalid value: \"\": status.conditions.0.reason in body should be at least 1 chars long",
                "status.conditions.0.status: Unsupported value: \"Maybe\": supported values: \"True\", \"False\", \"Unknown\"",
                "spec.podTemplate.apiVersion: Required value",
                "spec.env[1]: Duplicate value: map[string]interface {}{\"name\":\"A\"}");
    }
}
