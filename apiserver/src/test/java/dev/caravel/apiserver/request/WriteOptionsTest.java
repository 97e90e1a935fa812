package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.StatusException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteOptionsTest {

    private static QueryParameters q(String query) {
        return QueryParameters.parse(query);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void createOptionsDefaultToWarnWithoutDryRun() {
        CreateOptions o = CreateOptions.fromQuery(q(""));

        assertThat(o).isEqualTo(new CreateOptions(false, "", FieldValidation.WARN));
        assertThat(CreateOptions.fromQuery(q("dryRun=All&fieldManager=kubectl-client-side-apply&fieldValidation=Strict")))
                .isEqualTo(new CreateOptions(true, "kubectl-client-side-apply", FieldValidation.STRICT));
    }

    @Test
    void anUnknownDryRunOrFieldValidationIsInvalid() {
        assertThatThrownBy(() -> CreateOptions.fromQuery(q("dryRun=Yes")))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(422))
                .hasMessage("CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Yes\"}: "
                        + "supported values: \"All\"");
        assertThatThrownBy(() -> UpdateOptions.fromQuery(q("fieldValidation=strict")))
                .hasMessage("UpdateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"strict\": "
                        + "supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
    }

    @Test
    void aFieldManagerMustBeShortAndPrintable() {
        assertThatThrownBy(() -> CreateOptions.fromQuery(q("fieldManager=" + "m".repeat(129))))
                .hasMessage("CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes");
        assertThatThrownBy(() -> CreateOptions.fromQuery(q("fieldManager=a%07b")))
                .hasMessage("CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Invalid value: \"a\\ab\": "
                        + "invalid character U+0007 (at position 1)");
    }

    @Test
    void applyNeedsAFieldManagerAndOnlyApplyMayForce() {
        assertThatThrownBy(() -> PatchOptions.fromQuery(q(""), PatchType.APPLY_YAML))
                .hasMessage("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        assertThatThrownBy(() -> PatchOptions.fromQuery(q("force=true"), PatchType.MERGE_PATCH))
                .hasMessage("PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch");
        PatchOptions apply = PatchOptions.fromQuery(q("fieldManager=kubectl&force=true"), PatchType.APPLY_YAML);
        assertThat(apply.isForced()).isTrue();
        assertThat(apply.fieldManager()).isEqualTo("kubectl");
    }

    @Test
    void aPatchTypeComesFromTheContentTypeOrIsUnsupported() {
        assertThat(PatchType.fromContentType("application/merge-patch+json; charset=utf-8", PatchType.BUILT_IN))
                .isEqualTo(PatchType.MERGE_PATCH);
        assertThatThrownBy(() -> PatchType.fromContentType("application/json", PatchType.BUILT_IN))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(415))
                .hasMessage("the body of the request was in an unknown format - accepted media types include: "
                        + "application/json-patch+json, application/merge-patch+json, "
                        + "application/strategic-merge-patch+json, application/apply-patch+yaml");
    }

    @Test
    void deleteOptionsComeFromTheBodyWhenThereIsOne() {
        DeleteOptions o = DeleteOptions.read(q("gracePeriodSeconds=5"), json("{\"kind\":\"DeleteOptions\","
                + "\"apiVersion\":\"v1\",\"propagationPolicy\":\"Foreground\",\"preconditions\":{\"uid\":\"u-1\","
                + "\"resourceVersion\":\"12\"},\"dryRun\":[\"All\"]}"));

        assertThat(o.gracePeriodSeconds()).isNull();
        assertThat(o.propagationPolicy()).isEqualTo(PropagationPolicy.FOREGROUND);
        assertThat(o.preconditions()).isEqualTo(new Preconditions("u-1", "12"));
        assertThat(o.dryRun()).isTrue();
    }

    @Test
    void deleteOptionsComeFromTheQueryWithoutABody() {
        DeleteOptions o = DeleteOptions.read(q("gracePeriodSeconds=0&propagationPolicy=Orphan"), null);

        assertThat(o.gracePeriodSeconds()).isZero();
        assertThat(o.effectivePropagation()).isEqualTo(PropagationPolicy.ORPHAN);
        assertThat(DeleteOptions.read(q("orphanDependents=false"), new byte[0]).effectivePropagation())
                .isEqualTo(PropagationPolicy.BACKGROUND);
        assertThat(DeleteOptions.read(q(""), null)).isEqualTo(DeleteOptions.defaults());
    }

    @Test
    void anUnknownPropagationPolicyIsInvalidAndCannotBeCombinedWithOrphan() {
        assertThatThrownBy(() -> DeleteOptions.read(q("propagationPolicy=Later"), null))
                .hasMessage("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Later\": "
                        + "supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
        assertThatThrownBy(() -> DeleteOptions.read(q(""), json("{\"orphanDependents\":true,\"propagationPolicy\":\"Orphan\"}")))
                .hasMessage("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value: \"Orphan\": "
                        + "orphanDependents and deletionPropagation cannot be both set");
    }

    @Test
    void aMalformedDeleteBodyIsABadRequest() {
        assertThatThrownBy(() -> DeleteOptions.read(q(""), json("{\"gracePeriodSeconds\":\"30\"}")))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage("json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type int64");
        assertThatThrownBy(() -> DeleteOptions.read(q(""), json("{not json")))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> DeleteOptions.read(q(""), json("{\"kind\":\"Pod\"}")))
                .hasMessage("decoded object cannot be converted to DeleteOptions");
    }
}
