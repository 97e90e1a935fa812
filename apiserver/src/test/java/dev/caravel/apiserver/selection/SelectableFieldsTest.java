package dev.caravel.apiserver.selection;

import dev.caravel.apiserver.api.StatusException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SelectableFieldsTest {

    @Test
    void podsSelectByTheirFieldsAndReadSpecHostAsNodeName() {
        SelectableFields pods = SelectableFields.of("", "Pod", true);
        assertThat(pods.names()).contains("metadata.name", "metadata.namespace", "spec.nodeName", "status.phase",
                "spec.schedulerName", "status.podIPs");
        assertThat(pods.indexedField()).hasValue("spec.nodeName");
        assertThat(pods.convert(FieldSelector.parse("spec.host=n1")).toString()).isEqualTo("spec.nodeName=n1");
    }

    @Test
    void anUnsupportedFieldIsABadRequestWithTheKindsMessage() {
        assertThatThrownBy(() -> SelectableFields.of("", "Pod", true).convert(FieldSelector.parse("spec.x=1")))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage("field label not supported: spec.x");
        assertThatThrownBy(() -> SelectableFields.of("apps", "Deployment", true).convert(FieldSelector.parse("spec.replicas=1")))
                .hasMessage("\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
        assertThatThrownBy(() -> SelectableFields.of("", "Node", false).convert(FieldSelector.parse("metadata.namespace=a")))
                .hasMessage("field label not supported: metadata.namespace");
    }

    @Test
    void otherKindsHaveTheirOwnFields() {
        assertThat(SelectableFields.of("", "Secret", true).indexOf("type")).isNotNegative();
        assertThat(SelectableFields.of("", "Node", false).indexOf("spec.unschedulable")).isNotNegative();
        assertThat(SelectableFields.of("", "Event", true).indexOf("involvedObject.uid")).isNotNegative();
        assertThat(SelectableFields.of("batch", "Job", true).indexOf("status.successful")).isNotNegative();
        assertThat(SelectableFields.of("apps", "ReplicaSet", true).indexOf("status.replicas")).isNotNegative();
        assertThat(SelectableFields.of("", "Service", true).indexOf("spec.clusterIP")).isNotNegative();
        assertThat(SelectableFields.of("certificates.k8s.io", "CertificateSigningRequest", false).indexOf("spec.signerName"))
                .isNotNegative();
    }
}
