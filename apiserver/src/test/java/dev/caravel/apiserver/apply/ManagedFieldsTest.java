package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static dev.caravel.apiserver.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManagedFieldsTest {

    static final String ENTRIES = "[{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\","
            + "\"time\":\"2024-05-01T10:05:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{\"f:replicas\":{}}},"
            + "\"subresource\":\"status\"},"
            + "{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\",\"apiVersion\":\"apps/v1\","
            + "\"time\":\"2024-05-01T10:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":" + FieldSetTest.KUBECTL_CLIENT_SIDE_APPLY + "},"
            + "{\"manager\":\"kubectl\",\"operation\":\"Apply\",\"apiVersion\":\"apps/v1\","
            + "\"time\":\"2024-05-01T11:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{\"f:replicas\":{}}}}]";

    @Test
    void entriesAreReadAndWrittenBackInKubernetesOrder() {
        ObjectNode object = (ObjectNode) json("{\"metadata\":{\"name\":\"nginx\",\"managedFields\":" + ENTRIES + "}}");

        ManagedFields managed = ManagedFields.read(object);
        ObjectNode written = (ObjectNode) json("{\"metadata\":{\"name\":\"nginx\"}}");
        managed.writeTo(written);

        JsonNode list = written.at("/metadata/managedFields");
        assertThat(list.findValuesAsText("manager"))
                .containsExactly("kubectl", "kubectl-client-side-apply", "kube-controller-manager");
        assertThat(list.get(1).toString()).isEqualTo(json(ENTRIES).get(1).toString());
        assertThat(list.get(2).toString()).isEqualTo(json(ENTRIES).get(0).toString());
        assertThat(managed.timeOf(ManagerId.apply("kubectl", ""))).contains(Instant.parse("2024-05-01T11:00:00Z"));
        assertThat(managed.fieldsOf(ManagerId.update("kube-controller-manager", "apps/v1", "status")).toString())
                .isEqualTo(".status.replicas");
    }

    @Test
    void anApplierIsOneManagerWhateverVersionItAppliedWith() {
        ManagedFieldsEntry entry = ManagedFieldsEntry.fromJson(json("{\"manager\":\"kubectl\",\"operation\":\"Apply\","
                + "\"apiVersion\":\"apps/v1beta1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{}}"), 0);

        assertThat(entry.id()).isEqualTo(ManagerId.apply("kubectl", ""));
        assertThat(entry.apiVersion()).isEqualTo("apps/v1beta1");
        assertThat(entry.toJson().has("time")).isFalse();
    }

    @Test
    void invalidEntriesAreRefusedWithKubernetesWords() {
        assertThatThrownBy(() -> ManagedFields.fromEntries(json("[{\"manager\":\"x\",\"operation\":\"Patch\"}]")))
                .hasMessage("operation must be `Apply` or `Update`");
        assertThatThrownBy(() -> ManagedFields.fromEntries(json("[{\"manager\":\"x\",\"operation\":\"Update\"}]")))
                .hasMessage("apiVersion must not be empty");
        assertThatThrownBy(() -> ManagedFields.fromEntries(json(
                "[{\"manager\":\"x\",\"operation\":\"Update\",\"apiVersion\":\"v1\"}]")))
                .hasMessage("missing fieldsType in managed fields entry 0");
        assertThatThrownBy(() -> ManagedFields.fromEntries(json(
                "[{\"manager\":\"x\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV2\"}]")))
                .hasMessage("invalid fieldsType \"FieldsV2\" in managed fields entry 0");
    }

    @Test
    void anEmptyListOrOneEmptyEntryAsksForAReset() {
        assertThat(ManagedFields.isReset(json("[]"))).isTrue();
        assertThat(ManagedFields.isReset(json("[{}]"))).isTrue();
        assertThat(ManagedFields.isReset(json("null"))).isFalse();
        assertThat(ManagedFields.isReset(null)).isFalse();
        assertThat(ManagedFields.isReset(json("[{},{}]"))).isFalse();
    }

    @Test
    void managersAreNamedInConflictsAsKubernetesPrintsThem() {
        assertThat(ManagerId.apply("kubectl", "").display()).isEqualTo("\"kubectl\"");
        assertThat(ManagerId.update("kubectl", "apps/v1", "scale").display())
                .isEqualTo("\"kubectl\" with subresource \"scale\" using apps/v1");
        assertThat(ManagerId.update("m", "v1", "").identifier())
                .isEqualTo("{\"manager\":\"m\",\"operation\":\"Update\",\"apiVersion\":\"v1\"}");
    }
}
