package dev.caravel.apiserver.schema;

import java.util.List;
import java.util.Optional;

/**
 * How strategic merge patch treats one field: its {@code x-kubernetes-patch-strategy} (possibly
 * two, as in {@code merge,retainKeys}) and {@code x-kubernetes-patch-merge-key}.
 *
 * <p>A field without metadata ({@link #NONE}) is merged if it is a map and replaced if it is a
 * list, as JSON merge patch would.
 */
public record PatchMeta(List<String> strategies, Optional<String> mergeKey) {

    public static final String MERGE = "merge";
    public static final String REPLACE = "replace";
    public static final String RETAIN_KEYS = "retainKeys";

    public static final PatchMeta NONE = new PatchMeta(List.of(), Optional.empty());

    public PatchMeta {
        strategies = List.copyOf(strategies);
        mergeKey = mergeKey == null ? Optional.empty() : mergeKey;
        // Kubernetes accepts one strategy, or two when one of them is retainKeys
        // (extractRetainKeysPatchStrategy); anything else is a broken schema, not a bad request.
        if (strategies.size() > 2 || (strategies.size() == 2 && !strategies.contains(RETAIN_KEYS))) {
            throw new IllegalArgumentException("unexpected patch strategy: " + strategies);
        }
    }

    /** The metadata of a field node as written (a property, or an array's items). */
    public static PatchMeta of(Schema field) {
        if (field == null) {
            return NONE;
        }
        if (field.patchStrategies().isEmpty() && field.patchMergeKey().isEmpty()) {
            return NONE;
        }
        return new PatchMeta(field.patchStrategies(), field.patchMergeKey());
    }

    /** The metadata of the field at {@code path} in {@code type}; {@link #NONE} when the path is unknown. */
    public static PatchMeta at(Schema type, String... path) {
        return type.at(path).map(PatchMeta::of).orElse(NONE);
    }

    /** Whether the field carries {@code retainKeys}. */
    public boolean retainKeys() {
        return strategies.contains(RETAIN_KEYS);
    }

    /** The strategy other than retainKeys: {@code merge}, {@code replace}, or "" when none. */
    public String strategy() {
        for (String s : strategies) {
            if (!s.equals(RETAIN_KEYS)) {
                return s;
            }
        }
        return "";
    }

    public boolean merges() {
        return MERGE.equals(strategy());
    }

    public boolean replaces() {
        return REPLACE.equals(strategy());
    }

    /** As Kubernetes writes it: {@code merge,retainKeys}. */
    public String strategyText() {
        return String.join(",", strategies);
    }
}
