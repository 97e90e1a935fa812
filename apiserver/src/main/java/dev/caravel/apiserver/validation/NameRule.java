package dev.caravel.apiserver.validation;

import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.NameValidation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How an object's name must look, per kind, as Kubernetes' per-type validation chooses it: most
 * kinds take a DNS-1123 subdomain; namespaces a DNS-1123 label; services a DNS-1035 label (it
 * becomes a DNS name and an environment variable, so it must start with a letter); RBAC objects
 * anything usable as a URL path segment.
 *
 * <p>For a generateName prefix ({@code prefix} true) a trailing dash is allowed, since random
 * characters follow it: Kubernetes checks the prefix with its last dash replaced by a letter.
 */
public enum NameRule {
    DNS1123_SUBDOMAIN {
        @Override
        List<String> checkName(String name) {
            return NameValidation.dns1123Subdomain(name);
        }
    },
    DNS1123_LABEL {
        @Override
        List<String> checkName(String name) {
            return NameValidation.dns1123Label(name);
        }
    },
    DNS1035_LABEL {
        @Override
        List<String> checkName(String name) {
            List<String> errors = new ArrayList<>();
            if (name.length() > DNS1035_LABEL_MAX_LENGTH) {
                errors.add(NameValidation.maxLenError(DNS1035_LABEL_MAX_LENGTH));
            }
            if (!DNS1035_LABEL_PATTERN.matcher(name).matches()) {
                errors.add(NameValidation.regexError(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, "my-name", "abc-123"));
            }
            return errors;
        }
    },
    PATH_SEGMENT {
        @Override
        List<String> checkName(String name) {
            for (String illegal : List.of(".", "..")) {
                if (name.equals(illegal)) {
                    return List.of("may not be '" + illegal + "'");
                }
            }
            return contains(name);
        }

        @Override
        public List<String> check(String name, boolean prefix) {
            return prefix ? contains(name) : checkName(name);
        }

        private List<String> contains(String name) {
            List<String> errors = new ArrayList<>();
            for (String illegal : List.of("/", "%")) {
                if (name.contains(illegal)) {
                    errors.add("may not contain '" + illegal + "'");
                }
            }
            return errors;
        }
    };

    static final int DNS1035_LABEL_MAX_LENGTH = 63;
    private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1035_LABEL_ERR = "a DNS-1035 label must consist of lower case alphanumeric "
            + "characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private static final Pattern DNS1035_LABEL_PATTERN = Pattern.compile("^" + DNS1035_LABEL_FMT + "$");

    private static final String CORE = "";
    private static final String RBAC = "rbac.authorization.k8s.io";

    /** The kinds that do not take the default, DNS-1123 subdomain. */
    private static final Map<GroupKind, NameRule> EXCEPTIONS = Map.of(
            new GroupKind(CORE, "Namespace"), DNS1123_LABEL,
            new GroupKind(CORE, "Service"), DNS1035_LABEL,
            new GroupKind(RBAC, "Role"), PATH_SEGMENT,
            new GroupKind(RBAC, "ClusterRole"), PATH_SEGMENT,
            new GroupKind(RBAC, "RoleBinding"), PATH_SEGMENT,
            new GroupKind(RBAC, "ClusterRoleBinding"), PATH_SEGMENT,
            // "v1." (the core group's local APIService) is no DNS name; ApiServiceValidation adds version.group.
            new GroupKind("apiregistration.k8s.io", "APIService"), PATH_SEGMENT);

    abstract List<String> checkName(String name);

    /** What is wrong with the name (or generateName prefix), in Kubernetes' words; empty when fine. */
    public List<String> check(String name, boolean prefix) {
        return checkName(prefix ? maskTrailingDash(name) : name);
    }

    public static NameRule forKind(GroupKind kind) {
        return EXCEPTIONS.getOrDefault(kind, DNS1123_SUBDOMAIN);
    }

    /** Kubernetes' maskTrailingDash: {@code web-} is checked as {@code weba}. */
    static String maskTrailingDash(String name) {
        if (name.length() > 1 && name.endsWith("-")) {
            return name.substring(0, name.length() - 1) + "a";
        }
        return name;
    }
}
