package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Test objects written as JSON with single quotes for readability. */
final class Objects {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Objects() {
    }

    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode deployment(String spec) {
        return json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default',"
                + "'resourceVersion':'5'},'spec':" + spec + "}");
    }

    static ObjectNode pod(String spec) {
        return json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web','namespace':'default',"
                + "'resourceVersion':'5'},'spec':" + spec + "}");
    }
}
