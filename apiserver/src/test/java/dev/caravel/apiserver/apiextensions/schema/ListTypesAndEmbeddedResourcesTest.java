package dev.caravel.apiserver.apiextensions.schema;

import dev.caravel.apiserver.api.FieldError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** List-type uniqueness and embedded resources' type meta, reported as kube-apiserver reports them. */
class ListTypesAndEmbeddedResourcesTest {

    private static final StructuralSchema SCHEMA = StructuralSchema.of(Json.parse("""
            {type: 'object', properties: {
              spec: {type: 'object', properties: {
                tags: {type: 'array', x-kubernetes-list-type: 'set', items: {type: 'string'}},
                ports: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['port'],
                        items: {type: 'object', required: ['port'], properties: {port: {type: 'integer'}, name: {type: 'string'}}}},
                routes: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['host', 'path'],
                        items: {type: 'object', properties: {host: {type: 'string'}, path: {type: 'string'}}}},
                groups: {type: 'object', additionalProperties: {type: 'array', x-kubernetes-list-type: 'set', items: {type: 'integer'}}},
                template: {type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true},
                extras: {type: 'array', items: {type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}}
              }}
            }}"""));

    private static List<String> errorsOf(String spec) {
        return SCHEMA.validate(Json.parse("{spec: " + spec + "}")).stream().map(FieldError::toString).toList();
    }

    @Test
    void aSetReportsTheSecondAppearanceOfEachRepeatedValueOnce() {
        assertThat(errorsOf("{tags: ['a', 'b', 'a', 'a', 'b']}")).containsExactly(
                "spec.tags[2]: Duplicate value: \"a\"", "spec.tags[4]: Duplicate value: \"b\"");
        assertThat(errorsOf("{tags: ['a', 'b']}")).isEmpty();
    }

    @Test
    void aMapListReportsItemsWithTheSameKeyShowingTheKey() {
        assertThat(errorsOf("{ports: [{port: 80, name: 'a'}, {port: 80, name: 'b'}]}")).containsExactly(
                "spec.ports[1]: Duplicate value: map[string]interface {}{\"port\":80}");
        assertThat(errorsOf("{routes: [{host: 'h', path: '/'}, {host: 'h', path: '/x'}, {path: '/', host: 'h'}]}"))
                .containsExactly("spec.routes[2]: Duplicate value: map[string]interface {}{\"host\":\"h\", \"path\":\"/\"}");
    }

    @Test
    void aMapListItemMustBeAnObject() {
        assertThat(errorsOf("{ports: [{port: 1}, 'x']}")).contains(
                "spec.ports[1]: Invalid value: \"x\": must be an object for an array of list-type map");
    }

    @Test
    void setsUnderMapValuesAreFoundByKey() {
        assertThat(errorsOf("{groups: {admins: [1, 2, 1]}}")).containsExactly("spec.groups[admins][2]: Duplicate value: 1");
    }

    @Test
    void anEmbeddedResourceNeedsApiVersionAndKind() {
        assertThat(errorsOf("{template: {metadata: {name: 'x'}}}")).containsExactly(
                "spec.template.apiVersion: Required value", "spec.template.kind: Required value");
        assertThat(errorsOf("{template: {apiVersion: 'v1', kind: 'Pod'}}")).isEmpty();
        assertThat(errorsOf("{extras: [{apiVersion: 'v1'}]}")).containsExactly("spec.extras[0].kind: Required value");
    }

    @Test
    void anEmbeddedResourceKindAndApiVersionAreChecked() {
        assertThat(errorsOf("{template: {apiVersion: 'a/b/c', kind: 'Pod_1'}}")).containsExactly(
                "spec.template.apiVersion: Invalid value: \"a/b/c\": unexpected GroupVersion string: a/b/c",
                "spec.template.kind: Invalid value: \"Pod_1\": may have mixed case, but should otherwise match: "
                        + "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
                        + "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
                        + "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
        assertThat(errorsOf("{template: {apiVersion: 1, kind: 'Pod'}}")).containsExactly(
                "spec.template.apiVersion: Invalid value: 1: must be a string");
    }

    @Test
    void anEmbeddedResourceMetadataIsValidatedAsObjectMeta() {
        assertThat(errorsOf("{template: {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'a/b', labels: {'bad key!': 'v'}}}}"))
                .contains("spec.template.metadata.name: Invalid value: \"a/b\": may not contain '/'")
                .anyMatch(e -> e.startsWith("spec.template.metadata.labels: Invalid value: \"bad key!\""));
        assertThat(errorsOf("{template: {apiVersion: 'v1', kind: 'Pod', metadata: {generation: -1, finalizers: ['orphan', 'foregroundDeletion']}}}"))
                .contains("spec.template.metadata.generation: Invalid value: -1: must be greater than or equal to 0")
                .anyMatch(e -> e.startsWith("spec.template.metadata.finalizers: Invalid value: "));
    }
}
