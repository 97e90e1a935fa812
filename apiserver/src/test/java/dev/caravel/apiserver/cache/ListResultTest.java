package dev.caravel.apiserver.cache;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ListResultTest {

    private static final CachedObject.TypeMeta TYPE = new CachedObject.TypeMeta("ConfigMap", "v1");

    private static ListResult list(int items, String token, Long remaining) {
        List<CachedObject> objects = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            objects.add(new CachedObject("/registry/configmaps/ns/c" + i, "ns", "c" + i, Map.of(), new String[0], 5,
                    ("{\"metadata\":{\"name\":\"c" + i + "\"}}").getBytes(StandardCharsets.UTF_8)));
        }
        return new ListResult(objects, 12, token, remaining);
    }

    @Test
    void aListIsWrittenAsKubernetesWritesItFromTheItemsBytes() {
        assertThat(new String(list(2, "tok", 3L).toJson(TYPE), StandardCharsets.UTF_8)).isEqualTo(
                "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"12\",\"continue\":\"tok\","
                        + "\"remainingItemCount\":3},\"items\":[{\"metadata\":{\"name\":\"c0\"}},{\"metadata\":{\"name\":\"c1\"}}]}\n");
        assertThat(new String(list(0, "", null).toJson(TYPE), StandardCharsets.UTF_8)).isEqualTo(
                "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"12\"},\"items\":[]}\n");
    }

    @Test
    void chunksMakeUpTheSameBytes() {
        for (int items : new int[] {0, 1, 7, 100}) {
            ListResult list = list(items, "", null);
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            int[] chunks = {0};
            list.writeJson(TYPE, 64, parts -> {
                parts.forEach(joined::writeBytes);
                chunks[0]++;
                return true;
            });
            assertThat(joined.toByteArray()).isEqualTo(list.toJson(TYPE));
            assertThat(list.jsonSize(TYPE)).isEqualTo(list.toJson(TYPE).length);
            if (items == 100) {
                assertThat(chunks[0]).isGreaterThan(10);
            }
        }
    }
}
