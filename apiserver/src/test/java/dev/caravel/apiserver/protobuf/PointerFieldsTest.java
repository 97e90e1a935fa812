package dev.caravel.apiserver.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PointerFieldsTest {

    /**
     * A typo in the list would silently drop the zero it is meant to keep; fields newer than the
     * descriptors are allowed there only while the descriptors lack their message's field.
     */
    @Test
    void everyListedPointerFieldIsAScalarOfAKnownMessageOrNewerThanTheDescriptors() throws IOException {
        List<String> lines;
        try (InputStream in = PointerFieldsTest.class.getResourceAsStream("pointer-fields.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            lines = reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            int dot = line.lastIndexOf('.');
            Optional<Descriptor> message = MessageTypes.builtIn().byFullName(line.substring(0, dot));
            assertThat(message).as("message of %s", line).isPresent();
            FieldDescriptor field = message.get().findFieldByName(line.substring(dot + 1));
            if (field != null) {
                assertThat(field.getJavaType()).as(line).isNotEqualTo(FieldDescriptor.JavaType.MESSAGE);
                assertThat(field.isRepeated()).as(line).isFalse();
            } else {
                assertThat(SchemaCatalogue.kubernetes().definition(MessageTypes.definitionNameOf(message.get()))
                        .map(d -> d.properties().containsKey(line.substring(dot + 1))))
                        .as("%s is a property of the OpenAPI definition", line).contains(true);
            }
        }
    }
}
