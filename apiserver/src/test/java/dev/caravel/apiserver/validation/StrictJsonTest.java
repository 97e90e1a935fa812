package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.core.JsonParseException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrictJsonTest {

    private static StrictJson.ParsedObject parse(String json) throws IOException {
        return StrictJson.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void duplicateFieldsAreRecordedWithTheirPathsAndTheLastValueWins() throws IOException {
        StrictJson.ParsedObject parsed = parse("{'spec':{'replicas':1,'replicas':3,"
                + "'template':{'spec':{'containers':[{'name':'a','image':'x','image':'y'}]}}},'kind':'Deployment','kind':'Deployment'}");

        assertThat(parsed.duplicateFields()).containsExactly(
                "spec.replicas", "spec.template.spec.containers[0].image", "kind");
        assertThat(parsed.object().at("/spec/replicas").intValue()).isEqualTo(3);
        assertThat(parsed.object().at("/spec/template/spec/containers/0/image").textValue()).isEqualTo("y");
    }

    @Test
    void aFieldRepeatedThreeTimesIsReportedOnce() throws IOException {
        assertThat(parse("{'a':1,'a':2,'a':3}").duplicateFields()).containsExactly("a");
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> parse("[1]")).isInstanceOf(JsonParseException.class);
        assertThatThrownBy(() -> parse("{'a':1} {}")).isInstanceOf(JsonParseException.class);
        assertThatThrownBy(() -> parse("{'a':")).isInstanceOf(IOException.class);
    }
}
