package dev.caravel.apiserver.audit;

import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.audit.writer.UserInfo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The user a request asks to act as, from its impersonation headers ({@code kubectl --as alice
 * --as-group dev}): Impersonate-User, Impersonate-Group (repeated), Impersonate-Uid and
 * Impersonate-Extra-KEY. The user is built as kube-apiserver's impersonation filter builds it:
 * {@code system:serviceaccount:NS:NAME} gets its service-account groups when no group is asked
 * for, and every user but {@code system:anonymous} is in {@code system:authenticated} unless
 * {@code system:unauthenticated} was asked for.
 *
 * <p>Caravel authorizes nobody yet, so the request is not checked against an "impersonate"
 * permission, and the handlers still run as the one unsecured identity; the impersonated user
 * is recorded in the audit event's {@code impersonatedUser}, which is what the analyser groups by.
 */
final class Impersonation {

    static final String USER_HEADER = "Impersonate-User";
    static final String GROUP_HEADER = "Impersonate-Group";
    static final String UID_HEADER = "Impersonate-Uid";
    static final String EXTRA_HEADER_PREFIX = "impersonate-extra-";

    private static final String ANONYMOUS = "system:anonymous";
    private static final String AUTHENTICATED = "system:authenticated";
    private static final String UNAUTHENTICATED = "system:unauthenticated";
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    private Impersonation() {
    }

    /**
     * The impersonated user, or null when the request impersonates nobody.
     *
     * @throws StatusException 500, as kube-apiserver answers, when groups, uid or extra are asked
     *                         for without a user
     */
    static UserInfo of(ApiRequest request) {
        String username = request.header(USER_HEADER);
        List<String> groups = request.headerValues(GROUP_HEADER);
        String uid = request.header(UID_HEADER);
        Map<String, List<String>> extra = extra(request);
        if (username.isEmpty()) {
            if (!groups.isEmpty() || !uid.isEmpty() || !extra.isEmpty()) {
                throw StatusException.internalError("requested impersonation of "
                        + (!groups.isEmpty() ? "groups " + groups : !uid.isEmpty() ? "uid " + uid : "extra " + extra.keySet())
                        + " without impersonating a user");
            }
            return null;
        }
        List<String> allGroups = new ArrayList<>(groups);
        if (groups.isEmpty() && username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            String[] namespaceAndName = username.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":", -1);
            if (namespaceAndName.length == 2 && !namespaceAndName[0].isEmpty() && !namespaceAndName[1].isEmpty()) {
                allGroups.add("system:serviceaccounts");
                allGroups.add("system:serviceaccounts:" + namespaceAndName[0]);
            }
        }
        if (!username.equals(ANONYMOUS) && !allGroups.contains(AUTHENTICATED) && !allGroups.contains(UNAUTHENTICATED)) {
            allGroups.add(AUTHENTICATED);
        }
        return new UserInfo(username, uid, allGroups, extra);
    }

    /** Impersonate-Extra-KEY headers; the key is lower-cased and percent-decoded, as kube-apiserver reads it. */
    private static Map<String, List<String>> extra(ApiRequest request) {
        Map<String, List<String>> extra = null;
        for (String name : request.headers().keySet()) {
            if (name.startsWith(EXTRA_HEADER_PREFIX) && name.length() > EXTRA_HEADER_PREFIX.length()) {
                if (extra == null) {
                    extra = new LinkedHashMap<>();
                }
                String key = URLDecoder.decode(name.substring(EXTRA_HEADER_PREFIX.length()), StandardCharsets.UTF_8)
                        .toLowerCase(Locale.ROOT);
                extra.put(key, request.headerValues(name));
            }
        }
        return extra == null ? Map.of() : extra;
    }
}
