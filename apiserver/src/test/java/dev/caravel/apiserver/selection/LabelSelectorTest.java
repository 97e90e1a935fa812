package dev.caravel.apiserver.selection;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {

    private static final String LABEL_VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "
            + "or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    private static void assertParseError(String selector, String message) {
        assertThatThrownBy(() -> LabelSelector.parse(selector))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessage(message);
    }

    @Test
    void everyOperatorParsesAndPrintsCanonically() {
        LabelSelector s = LabelSelector.parse("x in (foo,,baz),y,z notin (),!w, a=b, c==d,e!=f,g>3,h<10");

        assertThat(s).hasToString("a=b,c==d,e!=f,g>3,h<10,!w,x in (,baz,foo),y,z notin ()");
        assertThat(s.requirements()).extracting(LabelRequirement::operator).containsExactly(
                LabelOperator.EQUALS, LabelOperator.DOUBLE_EQUALS, LabelOperator.NOT_EQUALS, LabelOperator.GREATER_THAN,
                LabelOperator.LESS_THAN, LabelOperator.DOES_NOT_EXIST, LabelOperator.IN, LabelOperator.EXISTS,
                LabelOperator.NOT_IN);
        assertThat(s.requirements().get(6).values()).containsExactly("", "baz", "foo");
    }

    @Test
    void theEmptySelectorMatchesEverything() {
        assertThat(LabelSelector.parse("").isEverything()).isTrue();
        assertThat(LabelSelector.parse("  ").isEverything()).isTrue();
        assertThat(LabelSelector.parse("").matches(Map.of())).isTrue();
    }

    @Test
    void requirementsMatchAsKubernetesDefinesThem() {
        Map<String, String> labels = Map.of("app", "web", "tier", "front", "n", "5");

        assertThat(LabelSelector.parse("app=web").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("app=db").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("app!=db").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("missing!=db").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("missing notin (a)").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("tier in (front,back)").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("missing in (a)").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("app,!canary").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("!app").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("n>4,n<6").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("app>4").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("missing=").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("app=").matches(Map.of("app", ""))).isTrue();
    }

    @Test
    void inAndNotinAreValuesWhereAValueIsExpected() {
        LabelSelector s = LabelSelector.parse("in in (in,notin)");

        assertThat(s.matches(Map.of("in", "notin"))).isTrue();
        assertThat(s).hasToString("in in (in,notin)");
    }

    @Test
    void anIndexCanFindTheExactMatchOfAKey() {
        LabelSelector s = LabelSelector.parse("app=web,tier in (front),env in (a,b)");

        assertThat(s.requiresExactMatch("app")).contains("web");
        assertThat(s.requiresExactMatch("tier")).contains("front");
        assertThat(s.requiresExactMatch("env")).isEmpty();
        assertThat(s.requiresExactMatch("other")).isEmpty();
    }

    @Test
    void syntaxErrorsAreWordedAsKubernetesWordsThem() {
        assertParseError("x y", "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt");
        assertParseError("x in a", "unable to parse requirement: found 'a' expected: '('");
        assertParseError("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'");
        assertParseError("x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier");
        assertParseError("x=(", "unable to parse requirement: found '(', expected: identifier");
        assertParseError("!=a", "found '!=', expected: !, identifier, or 'end of string'");
        assertParseError("a,", "found '', expected: identifier after ','");
        assertParseError("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
        assertParseError("a=b c", "found 'c', expected: ',' or 'end of string'");
        assertParseError("!x=y", "found '=', expected: ',' or 'end of string'");
        assertParseError("!", "unable to parse requirement: found '', expected: identifier");
    }

    @Test
    void anInvalidKeyIsReportedAtANilPathAsKubernetesDoes() {
        assertParseError("a$b=c", "unable to parse requirement: <nil>: Invalid value: \"a$b\": name part must consist of "
                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }

    @Test
    void anInvalidValueIsReportedAtItsIndexAndKey() {
        assertParseError("app=a$", "unable to parse requirement: values[0][app]: Invalid value: \"a$\": " + LABEL_VALUE_RULE);
    }

    @Test
    void greaterAndLessThanNeedAnInteger() {
        assertParseError("n>a", "unable to parse requirement: values[0]: Invalid value: \"a\": "
                + "for 'Gt', 'Lt' operators, the value must be an integer");
    }

    @Test
    void aMetaV1LabelSelectorBuildsTheSameRequirements() throws Exception {
        var json = new ObjectMapper().readTree("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":["
                + "{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"front\",\"back\"]},"
                + "{\"key\":\"canary\",\"operator\":\"DoesNotExist\"},"
                + "{\"key\":\"env\",\"operator\":\"NotIn\",\"values\":[\"prod\"]},"
                + "{\"key\":\"team\",\"operator\":\"Exists\"}]}");

        LabelSelector s = LabelSelector.fromJson(json);

        assertThat(s).hasToString("app=web,!canary,env notin (prod),team,tier in (back,front)");
        assertThat(s.matches(Map.of("app", "web", "tier", "back", "team", "x"))).isTrue();
        assertThat(s.matches(Map.of("app", "web", "tier", "back"))).isFalse();
    }

    @Test
    void aNullMetaV1SelectorSelectsNothingAndAnEmptyOneEverything() throws Exception {
        assertThat(LabelSelector.fromJson(null).matches(Map.of())).isFalse();
        assertThat(LabelSelector.fromJson(new ObjectMapper().readTree("{}")).matches(Map.of("a", "b"))).isTrue();
    }

    @Test
    void aMetaV1SelectorWithABadOperatorOrNoValuesIsRejected() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        assertThatThrownBy(() -> LabelSelector.fromJson(mapper.readTree(
                "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Is\"}]}")))
                .hasMessage("\"Is\" is not a valid label selector operator");
        assertThatThrownBy(() -> LabelSelector.fromJson(mapper.readTree(
                "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[]}]}")))
                .hasMessage("values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
        assertThatThrownBy(() -> LabelSelector.fromJson(mapper.readTree(
                "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}")))
                .hasMessage("values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist");
    }

    @Test
    void aRequirementWithSeveralProblemsListsThemAll() {
        assertThatThrownBy(() -> LabelSelector.requirement("-a", LabelOperator.EQUALS, List.of("x", "y$")))
                .isInstanceOfSatisfying(InvalidSelectorException.class, e -> {
                    assertThat(e.fieldErrors()).extracting(Object::toString).hasSize(3);
                    assertThat(e.getMessage()).startsWith("[key: Invalid value: \"-a\": name part must consist of")
                            .contains(", values: Invalid value: []string{\"x\", \"y$\"}: exact-match compatibility requires one single value, ")
                            .contains("values[1][-a]: Invalid value: \"y$\": ").endsWith("]");
                });
    }

    @Test
    void aSelectorInsideAnObjectIsValidatedAtItsOwnPaths() throws Exception {
        var json = new ObjectMapper().readTree("{\"matchLabels\":{\"app\":\"a b\"},\"matchExpressions\":["
                + "{\"key\":\"tier\",\"operator\":\"In\"},"
                + "{\"key\":\"x\",\"operator\":\"Exists\",\"values\":[\"v\"]},"
                + "{\"key\":\"-y\",\"operator\":\"Near\"}]}");

        var errors = LabelSelector.validate(json, dev.caravel.apiserver.api.FieldPath.of("spec", "selector"));

        assertThat(errors).extracting(Object::toString).containsExactly(
                "spec.selector.matchLabels: Invalid value: \"a b\": " + LABEL_VALUE_RULE,
                "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                "spec.selector.matchExpressions[2].operator: Invalid value: \"Near\": not a valid selector operator",
                "spec.selector.matchExpressions[2].key: Invalid value: \"-y\": name part must consist of alphanumeric "
                        + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                        + "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                        + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }

    @Test
    void labelsAreValidatedAtThePathOfTheMap() {
        var errors = Labels.validate(Map.of("ok", "fine"), dev.caravel.apiserver.api.FieldPath.of("metadata", "labels"));
        assertThat(errors).isEmpty();
        assertThat(Labels.validate(Map.of("a/b/c", "x"), dev.caravel.apiserver.api.FieldPath.of("metadata", "labels")))
                .singleElement().extracting(Object::toString).asString()
                .startsWith("metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of");
    }

    @Test
    void aSelectorFromLabelsMatchesExactlyThem() {
        LabelSelector s = LabelSelector.fromLabels(Map.of("b", "2", "a", "1"));

        assertThat(s).hasToString("a=1,b=2");
        assertThat(s.matches(Map.of("a", "1", "b", "2", "c", "3"))).isTrue();
        assertThat(s.matches(Map.of("a", "1"))).isFalse();
    }
}
