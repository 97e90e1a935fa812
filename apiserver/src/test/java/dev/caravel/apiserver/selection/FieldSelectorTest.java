package dev.caravel.apiserver.selection;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldSelectorTest {

    @Test
    void termsParseWithAllThreeOperatorsInSortedOrder() {
        FieldSelector s = FieldSelector.parse("status.phase!=Failed,spec.nodeName==node-1,metadata.name=web");

        assertThat(s).hasToString("metadata.name=web,spec.nodeName=node-1,status.phase!=Failed");
        assertThat(s.requirements()).extracting(FieldRequirement::operator).containsExactly(
                FieldRequirement.Operator.EQUALS, FieldRequirement.Operator.EQUALS, FieldRequirement.Operator.NOT_EQUALS);
    }

    @Test
    void aMissingFieldReadsAsEmpty() {
        Map<String, String> fields = Map.of("metadata.name", "web");

        assertThat(FieldSelector.parse("metadata.name=web").matches(fields::get)).isTrue();
        assertThat(FieldSelector.parse("spec.nodeName=").matches(fields::get)).isTrue();
        assertThat(FieldSelector.parse("spec.nodeName!=").matches(fields::get)).isFalse();
        assertThat(FieldSelector.parse("metadata.name!=web").matches(fields::get)).isFalse();
    }

    @Test
    void theEmptySelectorAndEmptyTermsSelectEverything() {
        assertThat(FieldSelector.parse("").isEverything()).isTrue();
        assertThat(FieldSelector.parse("a=b,,c=d").requirements()).hasSize(2);
    }

    @Test
    void escapedCommasAndEqualsBelongToTheValue() {
        FieldSelector s = FieldSelector.parse("metadata.name=a\\,b\\=c\\\\d");

        assertThat(s.requiresExactMatch("metadata.name")).contains("a,b=c\\d");
        assertThat(s).hasToString("metadata.name=a\\,b\\=c\\\\d");
        assertThat(FieldSelector.escapeValue("x,y=z\\")).isEqualTo("x\\,y\\=z\\\\");
    }

    @Test
    void theFirstOperatorSplitsATermSoAValueMayNotHoldAnUnescapedEquals() {
        assertThatThrownBy(() -> FieldSelector.parse("a=b=c"))
                .hasMessage("invalid field selector: unescaped character in value: 61");
        assertThat(FieldSelector.parse("a==b").requirements().get(0).value()).isEqualTo("b");
    }

    @Test
    void malformedSelectorsAreWordedAsKubernetesWordsThem() {
        assertThatThrownBy(() -> FieldSelector.parse("a=b,c"))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessage("invalid selector: 'a=b,c'; can't understand 'c'");
        assertThatThrownBy(() -> FieldSelector.parse("a=b\\x"))
                .hasMessage("invalid field selector: invalid escape sequence: \\x");
        assertThatThrownBy(() -> FieldSelector.parse("a=b\\"))
                .hasMessage("invalid field selector: invalid escape sequence: \\");
    }

    @Test
    void anExactMatchIsFoundOnlyForEquality() {
        FieldSelector s = FieldSelector.parse("spec.nodeName=n1,status.phase!=Running");

        assertThat(s.requiresExactMatch("spec.nodeName")).contains("n1");
        assertThat(s.requiresExactMatch("status.phase")).isEmpty();
    }

    @Test
    void aSelectorCanBeTransformedTermByTerm() {
        FieldSelector s = FieldSelector.parse("name=a").transform(
                r -> new FieldRequirement("metadata." + r.field(), r.operator(), r.value()));

        assertThat(s).hasToString("metadata.name=a");
    }
}
