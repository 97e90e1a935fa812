package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GoQuote;
import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.selection.FieldSelector;
import dev.caravel.apiserver.selection.InvalidSelectorException;
import dev.caravel.apiserver.selection.LabelSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The options of a list or watch, read from the query as Kubernetes' list handler reads them:
 * decoded (a malformed number or selector is a 400 BadRequest with Go's message), defaulted
 * (a watch from "" or "0" becomes a streaming list when the WatchList feature is on, as in
 * Kubernetes 1.32+), then validated (422 {@code ListOptions.meta.k8s.io "" is invalid: ...}).
 *
 * @param watch                 the {@code watch} parameter; a request on the legacy {@code /watch/}
 *                              path is a watch whatever this says (see {@link RequestInfo})
 * @param resourceVersion       as sent, "" when absent; opaque here ({@link #resourceVersionNumber()} reads it)
 * @param resourceVersionMatch  null when absent
 * @param timeoutSeconds        null when absent
 * @param limit                 0 when absent (no limit)
 * @param continueToken         "" when absent
 * @param sendInitialEvents     null when absent and not defaulted
 */
public record ListOptions(LabelSelector labelSelector, FieldSelector fieldSelector, boolean watch,
                          boolean allowWatchBookmarks, String resourceVersion,
                          ResourceVersionMatch resourceVersionMatch, Long timeoutSeconds, long limit,
                          String continueToken, Boolean sendInitialEvents) {

    private static final GroupKind KIND = new GroupKind(GroupKind.META_GROUP, "ListOptions");

    public ListOptions {
        Objects.requireNonNull(labelSelector, "labelSelector");
        Objects.requireNonNull(fieldSelector, "fieldSelector");
        resourceVersion = resourceVersion == null ? "" : resourceVersion;
        continueToken = continueToken == null ? "" : continueToken;
    }

    /** No selectors, no resourceVersion, no limit: a plain consistent list. */
    public static ListOptions defaults() {
        return new ListOptions(LabelSelector.everything(), FieldSelector.everything(), false, false, "", null, null,
                0, "", null);
    }

    /** Reads the options with the WatchList feature on, as Kubernetes 1.34 serves them. */
    public static ListOptions fromQuery(QueryParameters query) {
        return fromQuery(query, true);
    }

    /**
     * Reads, defaults and validates the options.
     *
     * @throws StatusException 400 for what does not decode, 422 for what does not validate
     */
    public static ListOptions fromQuery(QueryParameters query, boolean watchListEnabled) {
        LabelSelector labels;
        FieldSelector fields;
        try {
            labels = LabelSelector.parse(orEmpty(query.first("labelSelector")));
            fields = FieldSelector.parse(orEmpty(query.first("fieldSelector")));
        } catch (InvalidSelectorException e) {
            throw StatusException.badRequest(e.getMessage());
        }
        boolean watch = QueryValues.bool(query, "watch");
        boolean bookmarks = QueryValues.bool(query, "allowWatchBookmarks");
        String resourceVersion = orEmpty(query.first("resourceVersion"));
        String matchText = orEmpty(query.first("resourceVersionMatch"));
        Long timeoutSeconds = QueryValues.optionalInt64(query, "timeoutSeconds");
        long limit = QueryValues.int64(query, "limit");
        String continueToken = orEmpty(query.first("continue"));
        Boolean sendInitialEvents = QueryValues.optionalBool(query, "sendInitialEvents");

        // SetListOptionsDefaults: with WatchList on, a legacy watch is served as a streaming list.
        if (watchListEnabled && sendInitialEvents == null && matchText.isEmpty() && watch
                && (resourceVersion.isEmpty() || resourceVersion.equals("0"))) {
            sendInitialEvents = true;
            matchText = ResourceVersionMatch.NOT_OLDER_THAN.wireName();
        }

        List<FieldError> errors = watch
                ? validateWatch(matchText, continueToken, sendInitialEvents, watchListEnabled)
                : validateList(matchText, resourceVersion, continueToken, sendInitialEvents);
        if (!errors.isEmpty()) {
            throw StatusException.invalid(KIND, "", errors);
        }
        return new ListOptions(labels, fields, watch, bookmarks, resourceVersion,
                ResourceVersionMatch.fromWireName(matchText), timeoutSeconds, limit, continueToken, sendInitialEvents);
    }

    private static List<FieldError> validateList(String match, String resourceVersion, String continueToken,
                                                 Boolean sendInitialEvents) {
        List<FieldError> errors = new ArrayList<>();
        FieldPath matchPath = FieldPath.of("resourceVersionMatch");
        if (!match.isEmpty()) {
            if (resourceVersion.isEmpty()) {
                errors.add(FieldError.forbidden(matchPath, "resourceVersionMatch is forbidden unless resourceVersion is provided"));
            }
            if (!continueToken.isEmpty()) {
                errors.add(FieldError.forbidden(matchPath, "resourceVersionMatch is forbidden when continue is provided"));
            }
            if (ResourceVersionMatch.fromWireName(match) == null) {
                errors.add(FieldError.notSupported(matchPath, match, List.of("Exact", "NotOlderThan", "")));
            }
            if (match.equals("Exact") && resourceVersion.equals("0")) {
                errors.add(FieldError.forbidden(matchPath, "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
            }
        }
        if (sendInitialEvents != null) {
            errors.add(FieldError.forbidden(FieldPath.of("sendInitialEvents"), "sendInitialEvents is forbidden for list"));
        }
        return errors;
    }

    private static List<FieldError> validateWatch(String match, String continueToken, Boolean sendInitialEvents,
                                                  boolean watchListEnabled) {
        List<FieldError> errors = new ArrayList<>();
        FieldPath matchPath = FieldPath.of("resourceVersionMatch");
        if (sendInitialEvents != null) {
            if (!match.equals("NotOlderThan")) {
                errors.add(FieldError.forbidden(matchPath, "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
            }
            if (!watchListEnabled) {
                errors.add(FieldError.forbidden(FieldPath.of("sendInitialEvents"),
                        "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"));
            }
        }
        if (!match.isEmpty()) {
            if (sendInitialEvents == null) {
                errors.add(FieldError.forbidden(matchPath, "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
            }
            if (!match.equals("NotOlderThan")) {
                errors.add(FieldError.notSupported(matchPath, match, List.of("NotOlderThan")));
            }
            if (!continueToken.isEmpty()) {
                errors.add(FieldError.forbidden(matchPath, "resourceVersionMatch is forbidden when continue is provided"));
            }
        }
        return errors;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * The resourceVersion as a storage revision: 0 for "" and "0" (which mean "any" and "latest",
     * distinguished by {@link #resourceVersion()} itself).
     *
     * @throws StatusException 400 with Kubernetes' message for a resourceVersion that is not a
     *                         revision. Kubernetes answers this with a bare 500
     *                         (kubernetes/kubernetes#139485, acknowledged as a bug); a 400 tells
     *                         the client not to retry (docs/decisions/0008-status-messages-and-deviations.md).
     */
    public long resourceVersionNumber() {
        return parseResourceVersion(resourceVersion);
    }

    /** See {@link #resourceVersionNumber()}. */
    public static long parseResourceVersion(String resourceVersion) {
        if (resourceVersion.isEmpty() || resourceVersion.equals("0")) {
            return 0;
        }
        boolean digits = true;
        for (int i = 0; i < resourceVersion.length() && digits; i++) {
            char c = resourceVersion.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        String why = "invalid syntax";
        if (digits) {
            try {
                return Long.parseLong(resourceVersion);
            } catch (NumberFormatException e) {
                why = "value out of range";
            }
        }
        throw StatusException.badRequest(FieldError.invalid(FieldPath.of("resourceVersion"), resourceVersion,
                "strconv.ParseUint: parsing " + GoQuote.quote(resourceVersion) + ": " + why).toString());
    }

    /** True for a watch that should start with the current state, ended by an initial-events-end bookmark. */
    public boolean isStreamingList() {
        return watch && Boolean.TRUE.equals(sendInitialEvents);
    }
}
