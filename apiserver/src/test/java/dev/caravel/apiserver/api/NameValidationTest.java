package dev.caravel.apiserver.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NameValidationTest {

    @Test
    void aQualifiedNameMayHaveADnsPrefix() {
        assertThat(NameValidation.qualifiedName("app")).isEmpty();
        assertThat(NameValidation.qualifiedName("app.kubernetes.io/name")).isEmpty();
    }

    @Test
    void aBadQualifiedNameIsExplainedWithKubernetesWordsDoubleSpaceIncluded() {
        assertThat(NameValidation.qualifiedName("-app")).containsExactly(
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                        + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                        + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        assertThat(NameValidation.qualifiedName("/app")).containsExactly("prefix part must be non-empty");
        assertThat(NameValidation.qualifiedName("Example.com/app")).hasSize(1)
                .allMatch(m -> m.startsWith("prefix part a lowercase RFC 1123 subdomain must consist of"));
        assertThat(NameValidation.qualifiedName("a/b/c")).hasSize(1)
                .allMatch(m -> m.startsWith("a qualified name must consist of") && m.endsWith("(e.g. 'example.com/MyName')"));
        assertThat(NameValidation.qualifiedName("a".repeat(64))).containsExactly("name part must be no more than 63 characters");
    }

    @Test
    void aLabelValueMayBeEmptyButNotLong() {
        assertThat(NameValidation.labelValue("")).isEmpty();
        assertThat(NameValidation.labelValue("my_value-1.2")).isEmpty();
        assertThat(NameValidation.labelValue("a b")).containsExactly(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
                        + "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                        + "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
        assertThat(NameValidation.labelValue("a".repeat(64))).containsExactly("must be no more than 63 characters");
    }

    @Test
    void dnsLabelsAndSubdomainsAreLowerCase() {
        assertThat(NameValidation.dns1123Label("kube-system")).isEmpty();
        assertThat(NameValidation.dns1123Label("a.b")).hasSize(1);
        assertThat(NameValidation.dns1123Subdomain("a.b")).isEmpty();
        assertThat(NameValidation.dns1123Subdomain("Foo")).containsExactly(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                        + "must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
                        + "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    }
}
