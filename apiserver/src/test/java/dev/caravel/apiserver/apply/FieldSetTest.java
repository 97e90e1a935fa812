package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.caravel.apiserver.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldSetTest {

    /**
     * The fieldsV1 of the Update entry "kubectl-client-side-apply" leaves on a Deployment created
     * by {@code kubectl apply -f} (client-side), written out by hand in Kubernetes' exact form.
     */
    static final String KUBECTL_CLIENT_SIDE_APPLY = "{\"f:metadata\":{\"f:annotations\":{\".\":{},"
            + "\"f:kubectl.kubernetes.io/last-applied-configuration\":{}},\"f:labels\":{\".\":{},\"f:app\":{}}},"
            + "\"f:spec\":{\"f:progressDeadlineSeconds\":{},\"f:replicas\":{},\"f:revisionHistoryLimit\":{},"
            + "\"f:selector\":{},\"f:strategy\":{\"f:rollingUpdate\":{\".\":{},\"f:maxSurge\":{},"
            + "\"f:maxUnavailable\":{}},\"f:type\":{}},\"f:template\":{\"f:metadata\":{\"f:labels\":{\".\":{},"
            + "\"f:app\":{}}},\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},"
            + "\"f:image\":{},\"f:imagePullPolicy\":{},\"f:name\":{},\"f:ports\":{\".\":{},"
            + "\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{},"
            + "\"f:protocol\":{}}},\"f:resources\":{},\"f:terminationMessagePath\":{},"
            + "\"f:terminationMessagePolicy\":{}}},\"f:dnsPolicy\":{},\"f:restartPolicy\":{},"
            + "\"f:schedulerName\":{},\"f:securityContext\":{},\"f:terminationGracePeriodSeconds\":{}}}}}";

    @Test
    void kubectlManagedFieldsSurviveARoundTripByteForByte() {
        FieldSet set = FieldSet.fromFieldsV1(json(KUBECTL_CLIENT_SIDE_APPLY));

        assertThat(set.toFieldsV1Json()).isEqualTo(KUBECTL_CLIENT_SIDE_APPLY);
        assertThat(FieldSet.fromFieldsV1(set.toFieldsV1())).isEqualTo(set);
    }

    @Test
    void membersAndPathsToThemAreTold() {
        FieldSet set = FieldSet.fromFieldsV1(json(KUBECTL_CLIENT_SIDE_APPLY));
        PathElement nginx = new PathElement.Key(List.of(Map.entry("name", TextNode.valueOf("nginx"))));

        assertThat(set.has(ElementPath.fields("spec", "replicas"))).isTrue();
        assertThat(set.has(ElementPath.fields("spec"))).isFalse();
        assertThat(set.has(ElementPath.fields("metadata", "labels"))).isTrue();
        assertThat(set.has(ElementPath.fields("spec", "template", "spec", "containers").child(nginx))).isTrue();
        assertThat(set.has(ElementPath.fields("spec", "template", "spec", "containers").child(nginx)
                .child(PathElement.field("image")))).isTrue();
    }

    @Test
    void keysAreWrittenSortedByFieldNameWhateverOrderTheyCameIn() {
        FieldSet set = FieldSet.fromFieldsV1(json(
                "{\"f:ports\":{\"k:{\\\"protocol\\\":\\\"TCP\\\",\\\"containerPort\\\":80}\":{}}}"));

        assertThat(set.toFieldsV1Json()).isEqualTo("{\"f:ports\":{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{}}}");
    }

    @Test
    void elementsSortFieldsThenKeysThenValuesThenIndexesAndNumbersBeforeStrings() {
        FieldSet set = FieldSet.of(
                ElementPath.of(new PathElement.Index(0)),
                ElementPath.of(new PathElement.Value(TextNode.valueOf("b"))),
                ElementPath.of(new PathElement.Value(IntNode.valueOf(10))),
                ElementPath.of(new PathElement.Value(TextNode.valueOf("a"))),
                ElementPath.of(new PathElement.Key(List.of(Map.entry("name", TextNode.valueOf("x"))))),
                ElementPath.fields("b"),
                ElementPath.fields("B"),
                ElementPath.fields("a"));

        assertThat(set.toFieldsV1Json()).isEqualTo(
                "{\"f:B\":{},\"f:a\":{},\"f:b\":{},\"k:{\\\"name\\\":\\\"x\\\"}\":{},\"v:10\":{},\"v:\\\"a\\\"\":{},"
                        + "\"v:\\\"b\\\"\":{},\"i:0\":{}}");
    }

    @Test
    void anElementThatIsAlsoAMemberWritesTheDotFirst() {
        FieldSet set = FieldSet.of(ElementPath.fields("labels", "app"), ElementPath.fields("labels"));

        assertThat(set.toFieldsV1Json()).isEqualTo("{\"f:labels\":{\".\":{},\"f:app\":{}}}");
    }

    @Test
    void htmlCharactersInKeysAreEscapedTwiceAsGoEscapesThem() {
        // The value is written as JSON into the key (a<b becomes a\u003cb), then the key as a string.
        FieldSet set = FieldSet.of(ElementPath.of(new PathElement.Value(TextNode.valueOf("a<b"))));

        assertThat(set.toFieldsV1Json()).isEqualTo("{\"v:\\\"a\\\\u003cb\\\"\":{}}");
    }

    @Test
    void unionIntersectionAndDifferenceWorkLevelByLevel() {
        FieldSet a = FieldSet.of(ElementPath.fields("spec", "replicas"), ElementPath.fields("spec", "paused"));
        FieldSet b = FieldSet.of(ElementPath.fields("spec", "replicas"), ElementPath.fields("metadata", "labels", "x"));

        assertThat(a.union(b).paths()).extracting(Object::toString)
                .containsExactly(".metadata.labels.x", ".spec.paused", ".spec.replicas");
        assertThat(a.intersection(b).paths()).extracting(Object::toString).containsExactly(".spec.replicas");
        assertThat(a.difference(b).paths()).extracting(Object::toString).containsExactly(".spec.paused");
    }

    @Test
    void recursiveDifferenceAlsoDropsWhatIsUnderAMember() {
        FieldSet a = FieldSet.of(ElementPath.fields("status", "replicas"), ElementPath.fields("spec", "replicas"));
        FieldSet status = FieldSet.of(ElementPath.fields("status"));

        assertThat(a.difference(status)).isEqualTo(a);
        assertThat(a.recursiveDifference(status).paths()).extracting(Object::toString).containsExactly(".spec.replicas");
    }

    @Test
    void pathsIterateMembersOfALevelBeforeDeeperOnes() {
        FieldSet set = FieldSet.of(ElementPath.fields("spec", "template", "x"), ElementPath.fields("spec", "replicas"),
                ElementPath.fields("apiVersion"));

        assertThat(set.paths()).extracting(Object::toString)
                .containsExactly(".apiVersion", ".spec.replicas", ".spec.template.x");
    }

    @Test
    void conflictPathsPrintKeysAndValuesAsKubernetesDoes() {
        ElementPath path = ElementPath.fields("spec", "containers")
                .child(new PathElement.Key(List.of(Map.entry("protocol", TextNode.valueOf("TCP")),
                        Map.entry("containerPort", IntNode.valueOf(80)))))
                .child(new PathElement.Value(TextNode.valueOf("x")))
                .child(new PathElement.Index(2));

        assertThat(path).hasToString(".spec.containers[containerPort=80,protocol=\"TCP\"][=\"x\"][2]");
    }

    @Test
    void anUnknownElementPrefixIsRefused() {
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(json("{\"x:foo\":{}}")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
