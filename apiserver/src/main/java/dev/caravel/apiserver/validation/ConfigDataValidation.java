package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.NameValidation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ConfigMap and Secret: keys usable as file names, at most 1 MiB of data (what etcd comfortably
 * holds per object), the fields an {@code immutable: true} object freezes, and a Secret's type
 * with the keys each type needs.
 */
final class ConfigDataValidation {

    /** MaxSecretSize, also the ConfigMap limit. */
    static final int MAX_SIZE_BYTES = 1024 * 1024;

    private static final String CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
    private static final String CONFIG_KEY_ERR = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
    private static final Pattern CONFIG_KEY = Pattern.compile("^" + CONFIG_KEY_FMT + "$");
    private static final String IMMUTABLE = "field is immutable when `immutable` is set";

    private ConfigDataValidation() {
    }

    /** IsConfigMapKey: what is wrong with a data key, in Kubernetes' words. */
    static List<String> configKeyProblems(String key) {
        List<String> errors = new ArrayList<>();
        if (key.length() > NameValidation.DNS1123_SUBDOMAIN_MAX_LENGTH) {
            errors.add(NameValidation.maxLenError(NameValidation.DNS1123_SUBDOMAIN_MAX_LENGTH));
        }
        if (!CONFIG_KEY.matcher(key).matches()) {
            errors.add(NameValidation.regexError(CONFIG_KEY_ERR, CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"));
        }
        if (key.equals(".")) {
            errors.add("must not be '.'");
        } else if (key.equals("..")) {
            errors.add("must not be '..'");
        } else if (key.startsWith("..")) {
            errors.add("must not start with '..'");
        }
        return errors;
    }

    private static List<FieldError> immutableRules(JsonNode object, JsonNode old, List<String> frozen) {
        List<FieldError> errors = new ArrayList<>();
        if (!JsonFields.bool(old, "immutable")) {
            return errors;
        }
        if (!JsonFields.bool(object, "immutable")) {
            errors.add(FieldError.forbidden(FieldPath.of("immutable"), IMMUTABLE));
        }
        for (String field : frozen) {
            if (!JsonFields.sameJson(emptyAsAbsent(object.get(field)), emptyAsAbsent(old.get(field)))) {
                errors.add(FieldError.forbidden(FieldPath.of(field), IMMUTABLE));
            }
        }
        return errors;
    }

    /** Go's reflect.DeepEqual of a nil and an empty map is false, but both encode to an absent field. */
    private static JsonNode emptyAsAbsent(JsonNode node) {
        return node != null && node.isObject() && node.isEmpty() ? null : node;
    }

    static final class ConfigMap implements TypeValidator {
        @Override
        public List<FieldError> validate(JsonNode configMap) {
            List<FieldError> errors = new ArrayList<>();
            long size = 0;
            Map<String, String> data = JsonFields.stringMap(configMap, "data");
            if (data != null) {
                for (Map.Entry<String, String> e : data.entrySet()) {
                    for (String msg : configKeyProblems(e.getKey())) {
                        errors.add(FieldError.invalid(FieldPath.of("data").key(e.getKey()), e.getKey(), msg));
                    }
                    size += e.getValue().getBytes(StandardCharsets.UTF_8).length;
                }
            }
            Map<String, String> binary = JsonFields.stringMap(configMap, "binaryData");
            if (binary != null) {
                for (Map.Entry<String, String> e : binary.entrySet()) {
                    FieldPath at = FieldPath.of("binaryData").key(e.getKey());
                    for (String msg : configKeyProblems(e.getKey())) {
                        errors.add(FieldError.invalid(at, e.getKey(), msg));
                    }
                    if (data != null && data.containsKey(e.getKey())) {
                        errors.add(FieldError.invalid(at, e.getKey(), "duplicate of key present in data"));
                    }
                    size += decodedLength(e.getValue());
                }
            }
            if (size > MAX_SIZE_BYTES) {
                errors.add(FieldError.tooLong(FieldPath.of(""), MAX_SIZE_BYTES));
            }
            return errors;
        }

        @Override
        public List<FieldError> validateUpdate(JsonNode configMap, JsonNode old) {
            return immutableRules(configMap, old, List.of("data", "binaryData"));
        }
    }

    static final class Secret implements TypeValidator {
        @Override
        public List<FieldError> validate(JsonNode secret) {
            List<FieldError> errors = new ArrayList<>();
            FieldPath dataPath = FieldPath.of("data");
            long size = 0;
            for (String field : List.of("data", "stringData")) {
                JsonNode data = JsonFields.at(secret, field);
                for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    // stringData is merged into data before Kubernetes validates: same path.
                    for (String msg : configKeyProblems(e.getKey())) {
                        errors.add(FieldError.invalid(dataPath.key(e.getKey()), e.getKey(), msg));
                    }
                    String value = e.getValue().asText();
                    size += field.equals("data") ? decodedLength(value) : value.getBytes(StandardCharsets.UTF_8).length;
                }
            }
            if (size > MAX_SIZE_BYTES) {
                errors.add(FieldError.tooLong(dataPath, MAX_SIZE_BYTES));
            }
            String type = JsonFields.text(secret, "type");
            switch (type) {
                case "kubernetes.io/service-account-token" -> {
                    String key = "kubernetes.io/service-account.name";
                    if (JsonFields.text(secret, "metadata", "annotations", key).isEmpty()) {
                        errors.add(FieldError.required(FieldPath.of("metadata", "annotations").key(key), ""));
                    }
                }
                case "kubernetes.io/dockercfg" -> requireKey(secret, ".dockercfg", errors);
                case "kubernetes.io/dockerconfigjson" -> requireKey(secret, ".dockerconfigjson", errors);
                case "kubernetes.io/ssh-auth" -> requireKey(secret, "ssh-privatekey", errors);
                case "kubernetes.io/tls" -> {
                    requireKey(secret, "tls.crt", errors);
                    requireKey(secret, "tls.key", errors);
                }
                default -> {
                }
            }
            return errors;
        }

        private static void requireKey(JsonNode secret, String key, List<FieldError> errors) {
            if (!JsonFields.at(secret, "data").has(key) && !JsonFields.at(secret, "stringData").has(key)) {
                errors.add(FieldError.required(FieldPath.of("data").key(key), ""));
            }
        }

        @Override
        public List<FieldError> validateUpdate(JsonNode secret, JsonNode old) {
            List<FieldError> errors = new ArrayList<>();
            // An absent type is defaulted to Opaque.
            String type = JsonFields.text(secret, "type");
            String oldType = JsonFields.text(old, "type");
            String effective = type.isEmpty() ? "Opaque" : type;
            if (!effective.equals(oldType.isEmpty() ? "Opaque" : oldType)) {
                errors.add(FieldError.immutable(FieldPath.of("type"), effective));
            }
            errors.addAll(immutableRules(secret, old, List.of("data")));
            return errors;
        }
    }

    private static long decodedLength(String base64) {
        try {
            return Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return base64.length();
        }
    }
}
