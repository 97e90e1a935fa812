package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.NameValidation;

import java.util.ArrayList;
import java.util.List;

/**
 * kube-aggregator's ValidateAPIService: the name is {@code <version>.<group>}, the group a DNS
 * subdomain (empty only for the core group's {@code v1}), the version a DNS-1035 label, both
 * priorities positive and bounded, and a service reference complete; a local APIService (no
 * service) may carry neither a caBundle nor insecureSkipTLSVerify.
 */
final class ApiServiceValidation implements TypeValidator {

    private static final int MAX_GROUP_PRIORITY = 20000;
    private static final int MAX_VERSION_PRIORITY = 1000;

    @Override
    public List<FieldError> validate(JsonNode apiService) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode spec = apiService.path("spec");
        String group = spec.path("group").asText("");
        String version = spec.path("version").asText("");
        String name = apiService.path("metadata").path("name").asText("");
        String requiredName = version + "." + group;
        if (!name.isEmpty() && NameRule.PATH_SEGMENT.check(name, false).isEmpty() && !name.equals(requiredName)) {
            errors.add(FieldError.invalid(FieldPath.of("metadata", "name"), name,
                    "must be `spec.version+\".\"+spec.group`: \"" + requiredName + "\""));
        }
        FieldPath specPath = FieldPath.of("spec");
        if (group.isEmpty() && !version.equals("v1")) {
            errors.add(FieldError.required(specPath.child("group"),
                    "only v1 may have an empty group and it better be legacy kube"));
        }
        if (!group.isEmpty()) {
            for (String message : NameValidation.dns1123Subdomain(group)) {
                errors.add(FieldError.invalid(specPath.child("group"), group, message));
            }
        }
        for (String message : NameRule.DNS1035_LABEL.check(version, false)) {
            errors.add(FieldError.invalid(specPath.child("version"), version, message));
        }
        long groupPriority = spec.path("groupPriorityMinimum").asLong(0);
        if (groupPriority <= 0 || groupPriority > MAX_GROUP_PRIORITY) {
            errors.add(FieldError.invalid(specPath.child("groupPriorityMinimum"), groupPriority,
                    "must be positive and less than 20000"));
        }
        long versionPriority = spec.path("versionPriority").asLong(0);
        if (versionPriority <= 0 || versionPriority > MAX_VERSION_PRIORITY) {
            errors.add(FieldError.invalid(specPath.child("versionPriority"), versionPriority,
                    "must be positive and less than 1000"));
        }
        String caBundle = spec.path("caBundle").asText("");
        boolean insecure = spec.path("insecureSkipTLSVerify").asBoolean(false);
        JsonNode service = spec.get("service");
        if (service == null || service.isNull()) {
            if (!caBundle.isEmpty()) {
                errors.add(FieldError.invalid(specPath.child("caBundle"), decodedLength(caBundle) + " bytes",
                        "local APIServices may not have a caBundle"));
            }
            if (insecure) {
                errors.add(FieldError.invalid(specPath.child("insecureSkipTLSVerify"), true,
                        "local APIServices may not have insecureSkipTLSVerify"));
            }
            return errors;
        }
        FieldPath servicePath = specPath.child("service");
        if (service.path("namespace").asText("").isEmpty()) {
            errors.add(FieldError.required(servicePath.child("namespace"), ""));
        }
        if (service.path("name").asText("").isEmpty()) {
            errors.add(FieldError.required(servicePath.child("name"), ""));
        }
        long port = service.path("port").asLong(443);
        if (port < 1 || port > 65535) {
            errors.add(FieldError.invalid(servicePath.child("port"), port,
                    "port is not valid: must be between 1 and 65535, inclusive"));
        }
        if (insecure && !caBundle.isEmpty()) {
            errors.add(FieldError.invalid(specPath.child("insecureSkipTLSVerify"), true,
                    "may not be true if caBundle is present"));
        }
        return errors;
    }

    private static int decodedLength(String base64) {
        try {
            return java.util.Base64.getDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return base64.length();
        }
    }
}
