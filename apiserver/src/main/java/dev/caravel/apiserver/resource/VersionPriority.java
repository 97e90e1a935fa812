package dev.caravel.apiserver.resource;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' order of versions within a group, most preferred first: generally available
 * before beta before alpha, higher numbers first ({@code v2, v1, v1beta2, v1beta1, v1alpha1}),
 * and versions not of that form last, by name. Discovery lists a group's versions in this
 * order, and the first is the preferred one, for groups CustomResourceDefinitions add.
 */
public final class VersionPriority {

    private static final Pattern KUBE_VERSION = Pattern.compile("v([1-9][0-9]*)(?:(alpha|beta)([1-9][0-9]*))?");

    /** Most preferred first. */
    public static final Comparator<String> ORDER = VersionPriority::compare;

    private VersionPriority() {
    }

    private static int compare(String a, String b) {
        Matcher ma = KUBE_VERSION.matcher(a);
        Matcher mb = KUBE_VERSION.matcher(b);
        boolean ka = ma.matches();
        boolean kb = mb.matches();
        if (!ka || !kb) {
            return ka ? -1 : kb ? 1 : a.compareTo(b);
        }
        int stage = Integer.compare(stage(mb.group(2)), stage(ma.group(2)));
        if (stage != 0) {
            return stage;
        }
        int major = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
        if (major != 0 || ma.group(3) == null) {
            return major;
        }
        return Long.compare(Long.parseLong(mb.group(3)), Long.parseLong(ma.group(3)));
    }

    private static int stage(String qualifier) {
        if (qualifier == null) {
            return 2;
        }
        return qualifier.equals("beta") ? 1 : 0;
    }
}
