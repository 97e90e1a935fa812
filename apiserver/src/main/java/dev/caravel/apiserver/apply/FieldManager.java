package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.CauseType;
import dev.caravel.apiserver.api.GoJsonEscapes;
import dev.caravel.apiserver.api.GoQuote;
import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusCause;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StatusReason;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.schema.Schema;
import dev.caravel.apiserver.schema.SchemaCatalogue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Server-side apply and field ownership for one resource (or one of its subresources): what
 * Kubernetes' fieldmanager does around every write.
 *
 * <ul>
 *   <li>{@link #update} after any write that is not an apply (create, update, every other patch
 *       type): the fields the write changed move to its manager, operation Update.
 *   <li>{@link #apply} for an apply patch: merges the configuration into the live object, removes
 *       what the manager applied before and no longer does (unless someone else owns it), and
 *       refuses (409) to change a field another manager owns unless forced.
 * </ul>
 * Both return the new object with its {@code metadata.managedFields}; the registry then runs
 * defaulting, admission and validation on it as for any write, and stores it.
 *
 * <p>Immutable and shareable: make one per resource and subresource at startup, e.g.
 * {@code FieldManager.forKind(gvk).withResetFields(FieldManager.STATUS)} for a main resource with
 * a status subresource, and {@code .withSubresource("status").withResetFields(<what the status
 * strategy keeps>)} for that subresource.
 *
 * <p>How the registry calls it, with {@code manager = managerFor(fieldManager, userAgent)}:
 * <ul>
 *   <li>create: {@code update(null, object, manager)}, on the decoded and defaulted object,
 *       before the strategy's PrepareForCreate (as Kubernetes: the name, uid and status the
 *       server sets are not the client's);
 *   <li>update, and JSON, merge and strategic merge patches: {@code update(stored, object, manager)}
 *       on the new object, defaulted (an undefaulted object would look like it removed fields),
 *       before the strategy's PrepareForUpdate;
 *   <li>apply patch: {@code apply(storedOrNull, body, fieldManager, force)}, then defaulting,
 *       the strategy, admission and validation as for an update, and the URL's name and namespace
 *       checked against the result; a result equal to the stored object needs no write.
 * </ul>
 *
 * <p>How fields are tracked follows structured-merge-diff (see {@link FieldSet} and
 * {@link FieldType}); the layers are those of Kubernetes' default field manager: metadata and type
 * fields are never owned; an object created without managedFields is tracked from its creation; an
 * existing object without them is applied to as if "before-first-apply" owned everything in it;
 * at most ten Update entries are kept, the oldest merged into "ancient-changes".
 */
public final class FieldManager {

    /** The manager that owns the fields an object had before its first apply. */
    public static final String BEFORE_FIRST_APPLY = "before-first-apply";
    /** The manager that holds the oldest Update entries past {@link #MAX_UPDATE_MANAGERS}. */
    public static final String ANCIENT_CHANGES = "ancient-changes";
    /** Kubernetes keeps this many Update entries; more are merged into {@link #ANCIENT_CHANGES}. */
    public static final int MAX_UPDATE_MANAGERS = 10;
    /** kubectl's client-side apply annotation, kept in step by server-side applies of "kubectl". */
    public static final String LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
    /** The manager name kubectl applies with by default; Kubernetes gives it the client-side apply upgrade path. */
    private static final String KUBECTL = "kubectl";
    /** A field manager name may be this long; longer user agents are cut. */
    public static final int FIELD_MANAGER_MAX_LENGTH = 128;

    /** The fields of the main resource a status subresource owns: ignored by writes to the main resource. */
    public static final FieldSet STATUS = FieldSet.of(ElementPath.fields("status"));

    /** Never owned by anyone: type and identity fields, and what the server sets. */
    private static final FieldSet STRIPPED = FieldSet.of(
            ElementPath.fields("apiVersion"),
            ElementPath.fields("kind"),
            ElementPath.fields("metadata"),
            ElementPath.fields("metadata", "name"),
            ElementPath.fields("metadata", "namespace"),
            ElementPath.fields("metadata", "creationTimestamp"),
            ElementPath.fields("metadata", "selfLink"),
            ElementPath.fields("metadata", "uid"),
            ElementPath.fields("metadata", "clusterName"),
            ElementPath.fields("metadata", "generation"),
            ElementPath.fields("metadata", "managedFields"),
            ElementPath.fields("metadata", "resourceVersion"));

    /**
     * The struct members a Go object of a built-in kind always has, even empty. The "before" side
     * of a create is such an empty object, so a create does not own {@code spec} or
     * {@code spec.template} as such, only what is in them, as in Kubernetes.
     */
    private static final Set<String> ALWAYS_PRESENT_STRUCTS =
            Set.of("metadata", "spec", "status", "template", "jobTemplate", "strategy", "updateStrategy");

    /** The pseudo-manager an update's changes are collected under before they go to the real one. */
    private static final ManagerId CURRENT_OPERATION = ManagerId.update("current-operation", "", "");

    private final GroupVersionKind kind;
    private final FieldType root;
    private final boolean typed;
    private final String subresource;
    private final FieldSet resetFields;
    private final Clock clock;

    private FieldManager(GroupVersionKind kind, FieldType root, boolean typed, String subresource,
                         FieldSet resetFields, Clock clock) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.root = root;
        this.typed = typed;
        this.subresource = subresource == null ? "" : subresource;
        this.resetFields = resetFields == null ? FieldSet.empty() : resetFields;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A built-in kind, typed by Kubernetes' OpenAPI document. */
    public static FieldManager forKind(GroupVersionKind kind) {
        Schema schema = SchemaCatalogue.kubernetes().forKind(kind)
                .orElseThrow(() -> new IllegalArgumentException("no schema for " + kind));
        return new FieldManager(kind, FieldType.root(schema), true, "", FieldSet.empty(), Clock.systemUTC());
    }

    /**
     * A kind typed by a standalone schema (a CustomResourceDefinition's), or, with a null schema,
     * deduced from the values: maps granular, lists atomic.
     */
    public static FieldManager forSchema(GroupVersionKind kind, Schema schema) {
        return new FieldManager(kind, FieldType.root(schema), schema != null, "", FieldSet.empty(), Clock.systemUTC());
    }

    /**
     * Writes through a subresource ({@code status}, {@code scale}): recorded under it, and the
     * object's managedFields cannot be set through it.
     */
    public FieldManager withSubresource(String name) {
        return new FieldManager(kind, root, typed, name, resetFields, clock);
    }

    /**
     * Fields this endpoint's strategy resets, so that no write here owns them (Kubernetes'
     * {@code GetResetFields}): {@link #STATUS} for a main resource with a status subresource; for
     * the status subresource, what its strategy keeps from the old object (e.g. {@code spec}).
     */
    public FieldManager withResetFields(FieldSet fields) {
        return new FieldManager(kind, root, typed, subresource, fields, clock);
    }

    public FieldManager withClock(Clock newClock) {
        return new FieldManager(kind, root, typed, subresource, resetFields, newClock);
    }

    public GroupVersionKind kind() {
        return kind;
    }

    /**
     * The manager of a request that names none: the user agent up to its first slash, without
     * unprintable characters, cut to {@value #FIELD_MANAGER_MAX_LENGTH} bytes
     * ({@code kubectl/v1.31.0 (linux/amd64) kubernetes/abc} is {@code kubectl}).
     */
    public static String managerFor(String fieldManager, String userAgent) {
        if (fieldManager != null && !fieldManager.isEmpty()) {
            return fieldManager;
        }
        String ua = userAgent == null ? "" : userAgent;
        int slash = ua.indexOf('/');
        String prefix = slash < 0 ? ua : ua.substring(0, slash);
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < prefix.length(); ) {
            int cp = prefix.codePointAt(i);
            i += Character.charCount(cp);
            if (!GoQuote.isPrint(cp)) {
                continue;
            }
            int len = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes + len > FIELD_MANAGER_MAX_LENGTH) {
                break;
            }
            out.appendCodePoint(cp);
            bytes += len;
        }
        return out.toString();
    }

    // ---- update -------------------------------------------------------------------------------

    /**
     * Records a write that is not an apply. Call it with the object the client sent, decoded and
     * defaulted, and the stored one.
     *
     * <p>The managedFields the client sent are taken as the new ones if they decode and are not
     * empty (clients may edit them); an empty list, or one empty entry, clears them; otherwise,
     * and always through a subresource, the stored object's are kept.
     *
     * @param live    the stored object, or null for a create
     * @param updated the object to store
     * @param manager the field manager ({@link #managerFor})
     * @return a copy of {@code updated} with the new managedFields
     */
    public ObjectNode update(JsonNode live, JsonNode updated, String manager) {
        ObjectNode newObject = object(updated, "updated object").deepCopy();
        ManagedFields managed = managedForUpdate(live, newObject);
        ObjectNode before = live == null ? null : withoutManagedFields(object(live, "live object"));
        removeManagedFields(newObject);
        boolean creating = before == null || before.path("metadata").path("uid").asText("").isEmpty();
        if (managed.isEmpty() && !creating) {
            // An object stored without managedFields stays so until its first apply.
            return newObject;
        }
        ManagerId id = ManagerId.update(manager, kind.apiVersion(), subresource);
        trackUpdate(before == null ? zeroObject() : before, newObject, managed, id);
        capUpdateManagers(managed);
        managed.writeTo(newObject);
        return newObject;
    }

    private ManagedFields managedForUpdate(JsonNode live, ObjectNode newObject) {
        if (!subresource.isEmpty()) {
            return liveManaged(live);
        }
        JsonNode sent = newObject.path("metadata").get("managedFields");
        if (ManagedFields.isReset(sent)) {
            return ManagedFields.empty();
        }
        try {
            ManagedFields fromRequest = ManagedFields.fromEntries(sent);
            if (!fromRequest.isEmpty()) {
                return fromRequest;
            }
        } catch (IllegalArgumentException e) {
            // Clients that do not understand managedFields must not lose them: keep the stored ones.
        }
        return liveManaged(live);
    }

    private static ManagedFields liveManaged(JsonNode live) {
        try {
            return ManagedFields.read(live);
        } catch (IllegalArgumentException e) {
            return ManagedFields.empty();
        }
    }

    /**
     * Kubernetes' managedFieldsUpdater around an update: the changed fields are collected under a
     * pseudo-manager (taking them from everyone else), then given to the real manager, whose time
     * moves only if it changed something.
     */
    private void trackUpdate(JsonNode before, JsonNode after, ManagedFields managed, ManagerId id) {
        TypedTree.Comparison comparison = takeChanges(before, after, managed, CURRENT_OPERATION, true);
        FieldSet taken = managed.fieldsOf(CURRENT_OPERATION)
                .difference(comparison.removed())
                .union(comparison.modified())
                .union(comparison.added())
                .recursiveDifference(resetFields)
                .difference(STRIPPED);
        managed.remove(CURRENT_OPERATION);
        if (taken.isEmpty()) {
            return;
        }
        FieldSet previous = managed.fieldsOf(id);
        managed.put(id, taken.union(previous), kind.apiVersion());
        managed.times().put(id, now());
    }

    /**
     * structured-merge-diff's update: the fields a write changes leave every other manager (a
     * conflict instead, for an apply that is not forced), and removed fields leave everyone.
     */
    private TypedTree.Comparison takeChanges(JsonNode before, JsonNode after, ManagedFields managed,
                                             ManagerId writer, boolean force) {
        TypedTree.Comparison comparison = TypedTree.compare(before, after, root).excluding(resetFields);
        FieldSet changed = comparison.modified().union(comparison.added());
        Map<ManagerId, FieldSet> conflicts = new LinkedHashMap<>();
        for (Map.Entry<ManagerId, ManagedFields.Owned> e : managed.owners().entrySet()) {
            if (e.getKey().equals(writer)) {
                continue;
            }
            FieldSet conflict = e.getValue().fields().intersection(changed);
            if (!conflict.isEmpty()) {
                conflicts.put(e.getKey(), conflict);
            }
        }
        if (!force && !conflicts.isEmpty()) {
            throw new Conflicts(conflicts);
        }
        for (ManagerId id : new ArrayList<>(managed.owners().keySet())) {
            if (id.equals(writer)) {
                continue;
            }
            ManagedFields.Owned owned = managed.owners().get(id);
            FieldSet remaining = owned.fields();
            FieldSet conflict = conflicts.get(id);
            if (conflict != null) {
                remaining = remaining.difference(conflict);
            }
            remaining = remaining.difference(comparison.removed());
            if (remaining.isEmpty()) {
                managed.remove(id);
            } else {
                managed.owners().put(id, new ManagedFields.Owned(remaining, owned.apiVersion()));
            }
        }
        return comparison;
    }

    // ---- apply --------------------------------------------------------------------------------

    /**
     * Applies a configuration.
     *
     * @param live    the stored object, or null when the apply creates it
     * @param config  the applied configuration (the patch body, decoded)
     * @param manager the field manager; Kubernetes requires one for apply
     * @param force   take the contested fields from their owners instead of failing
     * @return the new object with its managedFields; equal to {@code live} when nothing changed
     * @throws StatusException 409 Conflict naming the managers and fields; 400 for a configuration
     *                         of another version or carrying managedFields; 500 with Kubernetes'
     *                         message for one that does not fit the schema
     */
    public ObjectNode apply(JsonNode live, JsonNode config, String manager, boolean force) {
        ObjectNode applied = object(config, "applied configuration");
        validateConfig(applied);
        ObjectNode result;
        try {
            result = applyOnce(live, applied, manager, force);
        } catch (Conflicts conflicts) {
            result = applyOverClientSideApply(live, applied, manager, conflicts);
        }
        JsonNode annotations = result.path("metadata").path("annotations");
        if (manager.equals(KUBECTL) && annotations.has(LAST_APPLIED_ANNOTATION)) {
            // kubectl's server-side apply keeps the client-side annotation true, so that a later
            // client-side apply computes its patch from what was really applied.
            ((ObjectNode) annotations).put(LAST_APPLIED_ANNOTATION, lastAppliedConfiguration(applied));
        }
        return result;
    }

    /**
     * Kubernetes' way for {@code kubectl apply --server-side} to take over an object managed by
     * client-side apply: the conflicts on fields whose live value is still what the
     * last-applied-configuration annotation says are the user's own, so they are forced; any
     * other conflict stands.
     */
    private ObjectNode applyOverClientSideApply(JsonNode live, ObjectNode applied, String manager, Conflicts conflicts) {
        if (!manager.equals(KUBECTL) || live == null) {
            throw conflictError(conflicts.byManager);
        }
        FieldSet allowed = fieldsStillAsLastApplied(withoutManagedFields(object(live, "live object")));
        if (allowed == null) {
            throw conflictError(conflicts.byManager);
        }
        Map<ManagerId, FieldSet> remaining = new LinkedHashMap<>();
        for (Map.Entry<ManagerId, FieldSet> e : conflicts.byManager.entrySet()) {
            FieldSet.Builder kept = FieldSet.builder();
            for (ElementPath p : e.getValue().paths()) {
                if (!allowed.has(p)) {
                    kept.insert(p);
                }
            }
            FieldSet set = kept.build();
            if (!set.isEmpty()) {
                remaining.put(e.getKey(), set);
            }
        }
        if (!remaining.isEmpty()) {
            throw conflictError(remaining);
        }
        return applyOnce(live, applied, manager, true);
    }

    /** The fields of the last-applied-configuration annotation whose value the live object still has; null if none can be read. */
    private FieldSet fieldsStillAsLastApplied(ObjectNode live) {
        String text = live.path("metadata").path("annotations").path(LAST_APPLIED_ANNOTATION).asText("");
        if (text.isEmpty()) {
            return null;
        }
        JsonNode lastApplied;
        try {
            lastApplied = PathElement.Mapper.INSTANCE.readTree(text);
        } catch (IOException e) {
            return null;
        }
        if (lastApplied == null || !lastApplied.isObject()
                || !lastApplied.path("apiVersion").asText("").equals(kind.apiVersion())) {
            return null;
        }
        List<TypedTree.Problem> problems = new ArrayList<>();
        FieldSet set = TypedTree.fieldSet(lastApplied, root, typed, problems);
        if (!problems.isEmpty()) {
            return null;
        }
        TypedTree.Comparison c = TypedTree.compare(lastApplied, live, root);
        return set.difference(c.modified()).difference(c.added()).difference(c.removed());
    }

    /** Conflicts found by one apply, before they become a Status (they may yet be forgiven). */
    private static final class Conflicts extends RuntimeException {
        final Map<ManagerId, FieldSet> byManager;

        Conflicts(Map<ManagerId, FieldSet> byManager) {
            super(null, null, false, false);
            this.byManager = byManager;
        }
    }

    private ObjectNode applyOnce(JsonNode live, ObjectNode applied, String manager, boolean force) {
        ObjectNode liveObject;
        ManagedFields managed;
        if (live == null) {
            liveObject = JsonNodeFactory.instance.objectNode();
            managed = ManagedFields.empty();
        } else {
            try {
                managed = ManagedFields.read(live);
            } catch (IllegalArgumentException e) {
                throw internal("failed to decode managed fields: " + e.getMessage());
            }
            liveObject = withoutManagedFields(object(live, "live object"));
            if (managed.isEmpty()) {
                trackUpdate(zeroObject(), liveObject, managed,
                        ManagerId.update(BEFORE_FIRST_APPLY, kind.apiVersion(), subresource));
            }
        }
        ManagerId id = ManagerId.apply(manager, subresource);

        List<TypedTree.Problem> problems = new ArrayList<>();
        FieldSet appliedFields = TypedTree.fieldSet(applied, root, typed, problems);
        if (!problems.isEmpty()) {
            throw internal("failed to create typed patch object (" + objectName(applied) + "): "
                    + problemsMessage(problems));
        }
        JsonNode merged = TypedTree.merge(liveObject, applied, root);
        FieldSet lastApplied = managed.owners().containsKey(id) ? managed.fieldsOf(id) : null;
        managed.owners().put(id, new ManagedFields.Owned(appliedFields.recursiveDifference(resetFields),
                kind.apiVersion()));
        JsonNode pruned = prune(merged, managed, lastApplied);
        takeChanges(liveObject, pruned, managed, id, force);

        boolean changed = !ValueOrder.equal(liveObject, pruned);
        FieldSet owned = managed.fieldsOf(id).difference(STRIPPED);
        if (owned.isEmpty()) {
            managed.remove(id);
        } else {
            managed.owners().put(id, new ManagedFields.Owned(owned, kind.apiVersion()));
        }
        ObjectNode result;
        if (changed) {
            result = (ObjectNode) pruned;
            TypedTree.dropNulls(result, root);
            if (managed.owners().containsKey(id)) {
                managed.times().put(id, now());
            }
        } else {
            result = liveObject;
        }
        capUpdateManagers(managed);
        managed.writeTo(result);
        return result;
    }

    private void validateConfig(ObjectNode applied) {
        String apiVersion = applied.path("apiVersion").asText("");
        if (!apiVersion.equals(kind.apiVersion())) {
            throw StatusException.badRequest("Incorrect version specified in apply patch. Specified patch version: "
                    + apiVersion + ", expected: " + kind.apiVersion());
        }
        JsonNode managedFields = applied.path("metadata").get("managedFields");
        if (managedFields != null && !managedFields.isNull()) {
            throw StatusException.badRequest("metadata.managedFields must be nil");
        }
        String appliedKind = applied.path("kind").asText("");
        if (!appliedKind.equals(kind.kind())) {
            // Kubernetes finds no type for the configuration's kind and says so as a plain error.
            throw internal("failed to create typed patch object (" + objectName(applied) + "): no corresponding type for "
                    + kind.group() + "/" + kind.version() + ", Kind=" + appliedKind);
        }
    }

    /**
     * Removes what the manager applied last time and not this time, unless another manager (or
     * this configuration) owns it: structured-merge-diff's prune, then its two passes adding back
     * what was removed but is owned, and what was removed but the manager never owned.
     */
    private JsonNode prune(JsonNode merged, ManagedFields managed, FieldSet lastApplied) {
        if (lastApplied == null || lastApplied.isEmpty()) {
            return merged;
        }
        List<TypedTree.Problem> ignored = new ArrayList<>();
        FieldSet last = TypedTree.ensureNamedFieldsAreMembers(lastApplied, root);
        JsonNode pruned = orEmpty(TypedTree.removeItems(merged, last, root));

        FieldSet owned = FieldSet.empty();
        for (ManagedFields.Owned o : managed.owners().values()) {
            owned = owned.union(o.fields());
        }
        owned = TypedTree.ensureNamedFieldsAreMembers(owned, root);
        FieldSet mergedSet = TypedTree.ensureNamedFieldsAreMembers(TypedTree.fieldSet(merged, root, false, ignored), root);
        FieldSet prunedSet = TypedTree.ensureNamedFieldsAreMembers(TypedTree.fieldSet(pruned, root, false, ignored), root);
        pruned = orEmpty(TypedTree.removeItems(merged, mergedSet.difference(prunedSet.union(owned)), root));

        prunedSet = TypedTree.ensureNamedFieldsAreMembers(TypedTree.fieldSet(pruned, root, false, ignored), root);
        return orEmpty(TypedTree.removeItems(merged, mergedSet.difference(prunedSet).intersection(last), root));
    }

    private static JsonNode orEmpty(JsonNode node) {
        return node == null ? JsonNodeFactory.instance.objectNode() : node;
    }

    // ---- shared -------------------------------------------------------------------------------

    /**
     * Keeps at most {@value #MAX_UPDATE_MANAGERS} Update entries: the oldest are merged, per API
     * version, into an {@value #ANCIENT_CHANGES} entry, which takes the newer time.
     */
    private void capUpdateManagers(ManagedFields managed) {
        List<ManagerId> updaters = new ArrayList<>();
        for (ManagerId id : managed.owners().keySet()) {
            if (id.operation() == ManagerId.Operation.UPDATE) {
                updaters.add(id);
            }
        }
        if (updaters.size() <= MAX_UPDATE_MANAGERS) {
            return;
        }
        updaters.sort(Comparator
                .comparingLong((ManagerId id) -> managed.timeOf(id).map(Instant::getEpochSecond).orElse(0L))
                .thenComparing(ManagerId::identifier));
        Map<String, ManagerId> firstOfVersion = new LinkedHashMap<>();
        int length = updaters.size();
        for (int i = 0; i < updaters.size() && length > MAX_UPDATE_MANAGERS; i++) {
            ManagerId id = updaters.get(i);
            ManagedFields.Owned owned = managed.owners().get(id);
            Instant time = managed.times().get(id);
            String version = owned.apiVersion();
            ManagerId bucket = ManagerId.update(ANCIENT_CHANGES, version, "");
            ManagerId first = firstOfVersion.get(version);
            if (first == null) {
                firstOfVersion.put(version, id);
                continue;
            }
            if (!managed.owners().containsKey(bucket)) {
                ManagedFields.Owned firstOwned = managed.owners().get(first);
                managed.remove(first);
                managed.owners().put(bucket, firstOwned);
            }
            ManagedFields.Owned bucketOwned = managed.owners().get(bucket);
            managed.owners().put(bucket, new ManagedFields.Owned(owned.fields().union(bucketOwned.fields()), version));
            managed.remove(id);
            length--;
            if (time != null) {
                managed.times().put(bucket, time);
            } else {
                managed.times().remove(bucket);
            }
        }
    }

    /**
     * The object Kubernetes compares a create against: its kind's Go zero value. Struct members
     * that are not pointers are there and empty; members without {@code omitempty} (in the
     * OpenAPI document, the required ones) are there as null. So a create does not own
     * {@code spec}, {@code spec.template} or {@code spec.template.spec.containers} as such, only
     * what is in them, exactly as Kubernetes records it.
     */
    private JsonNode zeroObject() {
        return zeroOf(root);
    }

    private static ObjectNode zeroOf(FieldType type) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (type.kind() != FieldType.Kind.MAP) {
            return out;
        }
        for (String name : type.required()) {
            FieldType field = type.field(name);
            if (field != null && field.kind() != FieldType.Kind.SCALAR) {
                out.putNull(name);
            }
        }
        for (String name : ALWAYS_PRESENT_STRUCTS) {
            if (!type.declares(name)) {
                continue;
            }
            FieldType field = type.field(name);
            if (field != null && field.kind() == FieldType.Kind.MAP && !field.atomic()) {
                out.set(name, zeroOf(field));
            }
        }
        return out;
    }

    private Instant now() {
        return clock.instant();
    }

    private static ObjectNode object(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw StatusException.badRequest(what + " must be a JSON object");
        }
        return (ObjectNode) node;
    }

    private static ObjectNode withoutManagedFields(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        removeManagedFields(copy);
        return copy;
    }

    private static void removeManagedFields(ObjectNode object) {
        JsonNode metadata = object.get("metadata");
        if (metadata instanceof ObjectNode meta) {
            meta.remove("managedFields");
        }
    }

    /** {@code namespace/name; apps/v1, Kind=Deployment} of the applied object, as Kubernetes names it. */
    private String objectName(ObjectNode applied) {
        JsonNode meta = applied.path("metadata");
        String apiVersion = applied.path("apiVersion").asText("");
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return meta.path("namespace").asText("") + "/" + meta.path("name").asText("") + "; "
                + group + "/" + version + ", Kind=" + applied.path("kind").asText("");
    }

    private static String problemsMessage(List<TypedTree.Problem> problems) {
        if (problems.size() == 1) {
            return problems.get(0).toString();
        }
        StringBuilder b = new StringBuilder("errors:");
        for (TypedTree.Problem p : problems) {
            b.append("\n  ").append(p);
        }
        return b.toString();
    }

    /** A failure Kubernetes reports as a plain error: 500, no reason, its text as the message. */
    private static StatusException internal(String message) {
        return new StatusException(Status.failure(500, StatusReason.UNKNOWN, message, null));
    }

    /**
     * The 409 of a refused apply, worded as Kubernetes words it:
     * {@code Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas}, or
     * for several, one line per manager (sorted) followed by its fields:
     * <pre>
     * Apply failed with 2 conflicts: conflicts with "a":
     * - .spec.replicas
     * conflicts with "b" using apps/v1:
     * - .metadata.labels.app
     * </pre>
     * One cause per field, of type FieldManagerConflict.
     */
    static StatusException conflictError(Map<ManagerId, FieldSet> conflicts) {
        List<ManagerId> managers = new ArrayList<>(conflicts.keySet());
        managers.sort(Comparator.comparing(ManagerId::identifier, ValueOrder::compareBytes));
        List<StatusCause> causes = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (ManagerId m : managers) {
            lines.add("conflicts with " + m.display() + ":");
            for (ElementPath p : conflicts.get(m).paths()) {
                causes.add(new StatusCause(CauseType.FIELD_MANAGER_CONFLICT, "conflict with " + m.display(), p.toString()));
                lines.add("- " + p);
            }
        }
        String message;
        if (causes.size() == 1) {
            message = "Apply failed with 1 conflict: " + causes.get(0).message() + ": " + causes.get(0).field();
        } else {
            message = "Apply failed with " + causes.size() + " conflicts: " + String.join("\n", lines);
        }
        return StatusException.applyConflict(causes, message);
    }

    /** The applied configuration as kubectl's annotation holds it: compact JSON, keys sorted, a newline. */
    private static String lastAppliedConfiguration(ObjectNode applied) {
        ObjectNode copy = applied.deepCopy();
        JsonNode annotations = copy.path("metadata").get("annotations");
        if (annotations instanceof ObjectNode a) {
            a.remove(LAST_APPLIED_ANNOTATION);
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = GoJsonEscapes.factory().createGenerator(out)) {
            ValueOrder.write(g, copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out + "\n";
    }
}
