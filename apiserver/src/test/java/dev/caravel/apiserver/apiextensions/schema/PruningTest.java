package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Unknown fields removed as kube-apiserver prunes custom resources, and the paths it reports. */
class PruningTest {

    private static final StructuralSchema SCHEMA = StructuralSchema.of(Json.parse("""
            {type: 'object', properties: {
              spec: {type: 'object', properties: {
                replicas: {type: 'integer'},
                ports: {type: 'array', items: {type: 'object', properties: {port: {type: 'integer'}}}},
                labels: {type: 'object', additionalProperties: {type: 'string'}},
                free: {type: 'object', x-kubernetes-preserve-unknown-fields: true, properties: {
                  known: {type: 'object', properties: {a: {type: 'string'}}}}},
                template: {type: 'object', x-kubernetes-embedded-resource: true, properties: {
                  spec: {type: 'object', properties: {image: {type: 'string'}}}}},
                note: {type: 'string'},
                fallback: {type: 'string', default: 'x'},
                maybe: {type: 'string', nullable: true}
              }}
            }}"""));

    @Test
    void fieldsTheSchemaDoesNotDeclareAreRemovedAndReportedInSortedOrder() {
        ObjectNode object = Json.object("""
                {apiVersion: 'x.io/v1', kind: 'W', metadata: {name: 'w', whatever: 1},
                 spec: {replicas: 1, zeta: 1, alpha: 2, ports: [{port: 80, name: 'http'}, {extra: true}]},
                 status: {ready: true}}""");

        assertThat(SCHEMA.prune(object)).containsExactly(
                "spec.alpha", "spec.ports[0].name", "spec.ports[1].extra", "spec.zeta", "status");
        assertThat(object).isEqualTo(Json.parse("""
                {apiVersion: 'x.io/v1', kind: 'W', metadata: {name: 'w', whatever: 1},
                 spec: {replicas: 1, ports: [{port: 80}, {}]}}"""));
    }

    @Test
    void theRootKeepsApiVersionKindAndMetadataWithoutLookingInsideMetadata() {
        ObjectNode object = Json.object("{apiVersion: 'x.io/v1', kind: 'W', metadata: {name: 'w', unknown: {deep: 1}}}");

        assertThat(SCHEMA.prune(object)).isEmpty();
        assertThat(object.at("/metadata/unknown/deep").intValue()).isEqualTo(1);
    }

    @Test
    void mapValuesArePrunedByTheAdditionalPropertiesSchema() {
        ObjectNode object = Json.object("{spec: {labels: {a: 'b', c: 'd'}}}");

        assertThat(SCHEMA.prune(object)).isEmpty();
        assertThat(object.at("/spec/labels").size()).isEqualTo(2);
    }

    @Test
    void preserveUnknownFieldsKeepsUnknownFieldsButStillPrunesDeclaredOnes() {
        ObjectNode object = Json.object("{spec: {free: {anything: {goes: [1, 2]}, known: {a: 'x', b: 'pruned'}}}}");

        assertThat(SCHEMA.prune(object)).containsExactly("spec.free.known.b");
        assertThat(object).isEqualTo(Json.parse("{spec: {free: {anything: {goes: [1, 2]}, known: {a: 'x'}}}}"));
    }

    @Test
    void anEmbeddedResourceKeepsItsTypeAndObjectMetaButNotOtherUnknownFields() {
        ObjectNode object = Json.object("""
                {spec: {template: {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p', labels: {a: 'b'}, odd: 1},
                 spec: {image: 'nginx', command: ['sh']}, extra: 1}}}""");

        assertThat(SCHEMA.prune(object)).containsExactly(
                "spec.template.extra", "spec.template.metadata.odd", "spec.template.spec.command");
        assertThat(object.at("/spec/template/metadata")).isEqualTo(Json.parse("{name: 'p', labels: {a: 'b'}}"));
        assertThat(object.at("/spec/template/kind").textValue()).isEqualTo("Pod");
    }

    @Test
    void nullsAFieldMayNotHoldAreDroppedUnlessADefaultWillReplaceThem() {
        ObjectNode object = Json.object("{spec: {note: null, fallback: null, maybe: null}}");

        assertThat(SCHEMA.prune(object)).isEmpty();
        assertThat(object).isEqualTo(Json.parse("{spec: {fallback: null, maybe: null}}"));
    }

    @Test
    void underAdditionalPropertiesWithoutASchemaKeysStayButTheirObjectsAreEmptied() {
        StructuralSchema schema = StructuralSchema.of(Json.parse(
                "{type: 'object', properties: {m: {type: 'object', additionalProperties: true}}}"));
        ObjectNode object = Json.object("{m: {a: 1, b: {c: 2}}}");

        assertThat(schema.prune(object)).containsExactly("m.b.c");
        assertThat(object).isEqualTo(Json.parse("{m: {a: 1, b: {}}}"));
    }

    @Test
    void pruningTwiceChangesNothingMore() {
        ObjectNode object = Json.object("{spec: {replicas: 1, extra: 2}}");
        SCHEMA.prune(object);
        ObjectNode once = object.deepCopy();

        assertThat(SCHEMA.prune(object)).isEmpty();
        assertThat(object).isEqualTo(once);
    }
}
