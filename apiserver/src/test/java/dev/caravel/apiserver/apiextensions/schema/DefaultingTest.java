package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Defaults filled in as kube-apiserver fills them. */
class DefaultingTest {

    private static final StructuralSchema SCHEMA = StructuralSchema.of(Json.parse("""
            {type: 'object', properties: {
              spec: {type: 'object', default: {}, properties: {
                replicas: {type: 'integer', default: 1},
                strategy: {type: 'object', default: {type: 'Rolling'}, properties: {
                  type: {type: 'string'}, maxSurge: {type: 'integer', default: 25}}},
                ports: {type: 'array', items: {type: 'object', default: {}, properties: {
                  protocol: {type: 'string', default: 'TCP'}, port: {type: 'integer'}}}},
                limits: {type: 'object', additionalProperties: {type: 'string', default: 'none'}},
                note: {type: 'string', nullable: true, default: 'n'},
                mode: {type: 'string', default: 'auto'}
              }}
            }}"""));

    @Test
    void absentFieldsGetTheirDefaultsAndDefaultsAreDefaultedInTurn() {
        ObjectNode object = Json.object("{}");

        SCHEMA.applyDefaults(object);

        assertThat(object).isEqualTo(Json.parse("""
                {spec: {replicas: 1, strategy: {type: 'Rolling', maxSurge: 25}, note: 'n', mode: 'auto'}}"""));
    }

    @Test
    void valuesAlreadyThereAreKept() {
        ObjectNode object = Json.object("{spec: {replicas: 5, strategy: {type: 'Recreate', maxSurge: 0}, mode: 'manual'}}");

        SCHEMA.applyDefaults(object);

        assertThat(object.at("/spec/replicas").intValue()).isEqualTo(5);
        assertThat(object.at("/spec/strategy")).isEqualTo(Json.parse("{type: 'Recreate', maxSurge: 0}"));
        assertThat(object.at("/spec/mode").textValue()).isEqualTo("manual");
    }

    @Test
    void aNullReplacedByTheDefaultOnlyWhereTheFieldIsNotNullable() {
        ObjectNode object = Json.object("{spec: {mode: null, note: null}}");

        SCHEMA.applyDefaults(object);

        assertThat(object.at("/spec/mode").textValue()).isEqualTo("auto");
        assertThat(object.at("/spec/note").isNull()).isTrue();
    }

    @Test
    void listItemsAndMapValuesAreDefaultedThroughTheirSchemas() {
        ObjectNode object = Json.object("{spec: {ports: [{port: 80}, null], limits: {cpu: null, memory: '1Gi'}}}");

        SCHEMA.applyDefaults(object);

        assertThat(object.at("/spec/ports")).isEqualTo(Json.parse("[{port: 80, protocol: 'TCP'}, {protocol: 'TCP'}]"));
        assertThat(object.at("/spec/limits")).isEqualTo(Json.parse("{cpu: 'none', memory: '1Gi'}"));
    }

    @Test
    void defaultsAreCopiedSoObjectsNeverShareThem() {
        ObjectNode first = Json.object("{spec: {}}");
        ObjectNode second = Json.object("{spec: {}}");
        SCHEMA.applyDefaults(first);
        SCHEMA.applyDefaults(second);

        ((ObjectNode) first.at("/spec/strategy")).put("type", "Changed");

        assertThat(second.at("/spec/strategy/type").textValue()).isEqualTo("Rolling");
        ObjectNode third = Json.object("{spec: {}}");
        SCHEMA.applyDefaults(third);
        assertThat(third.at("/spec/strategy/type").textValue()).isEqualTo("Rolling");
    }
}
