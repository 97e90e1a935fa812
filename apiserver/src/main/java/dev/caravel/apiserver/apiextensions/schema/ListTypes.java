package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;

import java.util.ArrayList;
import java.util.List;

/** List-type set and map uniqueness: placeholder until the full rules land. */
final class ListTypes {
    private ListTypes() {
    }

    static List<FieldError> validate(JsonNode object, SchemaNode root) {
        return new ArrayList<>();
    }
}
