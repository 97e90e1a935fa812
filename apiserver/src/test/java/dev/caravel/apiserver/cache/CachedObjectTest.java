package dev.caravel.apiserver.cache;

import dev.caravel.apiserver.selection.SelectableFields;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

class CachedObjectTest {

    private static final CachedObject.TypeMeta POD = new CachedObject.TypeMeta("Pod", "v1");

    private static CachedObject decode(String json, long revision) {
        return CachedObject.decode("/registry/pods/ns/p", json.getBytes(StandardCharsets.UTF_8), revision,
                SelectableFields.of("", "Pod", true), UnaryOperator.identity());
    }

    @Test
    void aStoredObjectIsCachedAsAListItemWithItsResourceVersionAndSelectableFields() {
        CachedObject pod = decode("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\","
                + "\"labels\":{\"app\":\"web\"}},\"spec\":{\"nodeName\":\"n1\",\"note\":\"<b>\"},\"status\":{\"phase\":\"Running\"}}", 7);
        assertThat(new String(pod.json(), StandardCharsets.UTF_8)).isEqualTo("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\","
                + "\"labels\":{\"app\":\"web\"},\"resourceVersion\":\"7\"},\"spec\":{\"nodeName\":\"n1\",\"note\":\"\\u003cb\\u003e\"},"
                + "\"status\":{\"phase\":\"Running\"}}");
        assertThat(pod.labels()).containsEntry("app", "web");
        SelectableFields fields = SelectableFields.of("", "Pod", true);
        assertThat(fields.valueOf(pod.fields(), "spec.nodeName")).isEqualTo("n1");
        assertThat(fields.valueOf(pod.fields(), "status.phase")).isEqualTo("Running");
        assertThat(fields.valueOf(pod.fields(), "spec.hostNetwork")).isEqualTo("false");
        assertThat(fields.valueOf(pod.fields(), "metadata.namespace")).isEqualTo("ns");
    }

    @Test
    void theWholeObjectPutsKindAndApiVersionFirstWithoutAParse() {
        CachedObject pod = decode("{\"metadata\":{\"name\":\"p\"}}", 3);
        assertThat(new String(pod.withTypeMeta(POD), StandardCharsets.UTF_8))
                .isEqualTo("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\",\"resourceVersion\":\"3\"}}");
    }

    @Test
    void aDeletedObjectCarriesTheDeletionsResourceVersion() {
        CachedObject pod = decode("{\"metadata\":{\"name\":\"p\"}}", 3);
        CacheEvent deletion = new CacheEvent(null, pod, 9, POD);
        assertThat(new String(deletion.line(CacheEvent.Type.DELETED), StandardCharsets.UTF_8)).isEqualTo(
                "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\",\"resourceVersion\":\"9\"}}}\n");
        assertThat(deletion.line(CacheEvent.Type.DELETED)).as("written once for every watcher").isSameAs(deletion.line(CacheEvent.Type.DELETED));
    }
}
