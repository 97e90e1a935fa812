package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusDetails;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StorageOperation;
import dev.caravel.apiserver.cache.CachedObject;
import dev.caravel.apiserver.cache.CachedReads;
import dev.caravel.apiserver.cache.ListResult;
import dev.caravel.apiserver.cache.WatchCache;
import dev.caravel.apiserver.apply.FieldManager;
import dev.caravel.apiserver.request.DeleteOptions;
import dev.caravel.apiserver.request.ListOptions;
import dev.caravel.apiserver.request.Preconditions;
import dev.caravel.apiserver.request.PropagationPolicy;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.validation.ObjectMetaValidator;
import dev.caravel.apiserver.validation.ObjectValidator;
import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.Compare;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.Op;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.TxnRequest;
import dev.caravel.storage.TxnResponse;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Create, get, list, update, delete for one resource, over the key-value store, Kubernetes'
 * generic registry Store. What differs per resource comes from its {@link ResourceStrategy}.
 *
 * <p>Writes are optimistic: each reads the live object, computes the new one and writes it in
 * a transaction that holds only if the key's mod revision is still the one read (etcd's
 * GuaranteedUpdate). A conflicting write retries when the client gave no resourceVersion, and
 * is a 409 Conflict when it did.
 */
public final class GenericStore {

    /** Retries of an unconditional write that keeps losing races; Kubernetes loops without a bound. */
    private static final int MAX_ATTEMPTS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String NAMESPACES_PREFIX = "/registry/namespaces/";

    private final KeyValueStore kv;
    private final ResourceStrategy strategy;
    private final ObjectValidator validator;
    private final Clock clock;
    private final StorageKeys keys;
    private final GroupResource resource;
    private final FieldManager mainFields;
    private final FieldManager statusFields;
    private final CachedObject.TypeMeta typeMeta;
    private final CachedReads reads;
    /** Whether the watch cache's reflector runs; started once, on server start or first read. */
    private volatile boolean cacheStarted;

    /** What a write went through: the main resource or a subresource that writes part of it. */
    public enum Target { MAIN, STATUS, FINALIZE }

    /** How managedFields are kept: by an update of {@code manager}, or already set by an apply. */
    public record Manager(String name, boolean applied) {
        public static Manager update(String name) {
            return new Manager(name, false);
        }
    }

    /** A delete's outcome: the object as it was (deleted) or as it now is (pending finalizers). */
    public record Deletion(ObjectNode object, boolean deleted) {}

    public GenericStore(KeyValueStore kv, ResourceStrategy strategy, ObjectValidator validator, Clock clock) {
        this(kv, strategy, validator, clock, true, WatchCache.Config.defaults());
    }

    /**
     * @param consistentListFromCache whether lists without a resourceVersion are served from the
     *                                watch cache once it has caught up (see {@link CachedReads})
     */
    public GenericStore(KeyValueStore kv, ResourceStrategy strategy, ObjectValidator validator, Clock clock,
                        boolean consistentListFromCache, WatchCache.Config cacheConfig) {
        this.kv = kv;
        this.strategy = strategy;
        this.validator = validator;
        this.clock = clock;
        this.keys = new StorageKeys(strategy.definition());
        this.resource = strategy.groupResource();
        FieldManager fields = strategy.fieldManager();
        this.mainFields = strategy.hasStatusSubresource() ? fields.withResetFields(FieldManager.STATUS) : fields;
        this.statusFields = fields.withSubresource("status");
        ResourceDefinition definition = strategy.definition();
        this.typeMeta = new CachedObject.TypeMeta(definition.kind(), definition.groupVersion().toString());
        WatchCache cache = new WatchCache(kv, keys.prefix(""),
                strategy.selectableFields(), typeMeta,
                resource, cacheConfig);
        this.reads = new CachedReads(kv, cache, consistentListFromCache);
    }

    public ResourceStrategy strategy() {
        return strategy;
    }

    public ResourceDefinition definition() {
        return strategy.definition();
    }

    public StorageKeys keys() {
        return keys;
    }

    KeyValueStore kv() {
        return kv;
    }

    // ---- read ---------------------------------------------------------------------------------

    public ObjectNode get(String namespace, String name) {
        KeyValue current = read(keys.key(namespace, name), StorageOperation.GET);
        if (current == null) {
            throw StatusException.notFound(resource, name);
        }
        return strategy.toServed(StoredObjects.read(current));
    }

    private KeyValue read(String key, StorageOperation operation) {
        try {
            return kv.get(ByteKeys.utf8(key));
        } catch (StorageException e) {
            throw StatusException.fromStorage(e, resource, operation);
        }
    }

    /**
     * One page of a list as Kubernetes answers it, from the watch cache or from storage as
     * {@link CachedReads} decides; written with {@link ListResult#toJson} as
     * {@code {"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"12","continue":"..."},"items":[...]}},
     * items without kind and apiVersion. The continue token is Kubernetes' own (see {@link ContinueToken}).
     */
    public ListResult listPage(String namespace, ListOptions options) {
        return reads().list(keys.prefix(namespace), options);
    }

    /** {@link #listPage} as a tree, for the callers that change it. */
    public ObjectNode list(String namespace, ListOptions options) {
        return listPage(namespace, options).toTree(typeMeta);
    }

    /** The kind and apiVersion this resource's objects are written with. */
    public CachedObject.TypeMeta typeMeta() {
        return typeMeta;
    }

    /** The reads of this resource, its watch cache started on first use. */
    public CachedReads reads() {
        if (!cacheStarted) {
            synchronized (this) {
                if (!cacheStarted) {
                    reads.cache().start();
                    cacheStarted = true;
                }
            }
        }
        return reads;
    }

    /** Stops the watch cache (its watchers end). */
    public synchronized void closeCache() {
        reads.cache().close();
    }

    // ---- create -------------------------------------------------------------------------------

    /**
     * Creates {@code object} (already decoded, its namespace set): generateName, uid,
     * creationTimestamp, generation, the strategy's defaults, validation, managedFields, then a
     * transaction that holds only if the key is absent.
     */
    public ObjectNode create(String namespace, ObjectNode object, boolean dryRun, Manager manager) {
        ObjectNode metadata = object.withObjectProperty("metadata");
        if (strategy.namespaced()) {
            requireNamespaceAcceptsContent(namespace, StoredObjects.text(object, "metadata", "name"));
            metadata.put("namespace", namespace);
        } else {
            metadata.remove("namespace");
        }
        object.put("kind", definition().kind());
        object.put("apiVersion", definition().groupVersion().toString());
        boolean generated = false;
        if (StoredObjects.text(object, "metadata", "name").isEmpty()
                && !StoredObjects.text(object, "metadata", "generateName").isEmpty()) {
            metadata.put("name", ObjectMetaValidator.generateName(
                    StoredObjects.text(object, "metadata", "generateName"), RANDOM));
            generated = true;
        }
        metadata.remove("resourceVersion");
        metadata.remove("deletionTimestamp");
        metadata.remove("deletionGracePeriodSeconds");
        metadata.put("uid", UUID.randomUUID().toString());
        metadata.put("creationTimestamp", timestamp(clock.instant()));
        if (strategy.tracksGeneration()) {
            metadata.put("generation", 1);
        } else {
            metadata.remove("generation");
        }
        Defaults.apply(definition().group(), definition().kind(), object);
        strategy.prepareForCreate(object);
        strategy.validateCreate(validator, object);
        ObjectNode toStore = manager.applied() ? object : mainFields.update(null, object, manager.name());
        String name = StoredObjects.text(toStore, "metadata", "name");
        if (dryRun) {
            return toStore;
        }
        byte[] key = ByteKeys.utf8(keys.key(namespace, name));
        List<Compare> compares = new ArrayList<>(List.of(Compare.absent(key)));
        List<Op> writes = new ArrayList<>(List.of(Op.put(key, StoredObjects.write(strategy.toStored(toStore)))));
        for (String reserved : strategy.reservations(toStore)) {
            compares.add(Compare.absent(ByteKeys.utf8(reserved)));
            writes.add(Op.put(ByteKeys.utf8(reserved), key));
        }
        TxnResponse response = txn(new TxnRequest(compares, writes, List.of()), StorageOperation.CREATE);
        if (!response.succeeded()) {
            if (compares.size() > 1 && read(keys.key(namespace, name), StorageOperation.CREATE) == null) {
                // A concurrent create took a value this one was offered: nothing was written.
                throw StatusException.conflict(resource, name, "an allocated cluster IP or node port was taken concurrently; please retry");
            }
            throw generated ? StatusException.generateNameConflict(resource, name, 1)
                    : StatusException.alreadyExists(resource, name);
        }
        toStore.withObjectProperty("metadata").put("resourceVersion", Long.toString(response.revision()));
        return toStore;
    }

    /** Namespace lifecycle: no content in a namespace that is missing or Terminating. */
    private void requireNamespaceAcceptsContent(String namespace, String name) {
        KeyValue ns = read(NAMESPACES_PREFIX + namespace, StorageOperation.GET);
        if (ns == null) {
            throw StatusException.notFound(GroupResource.core("namespaces"), namespace);
        }
        if (NamespaceStrategy.isTerminating(StoredObjects.read(ns))) {
            throw StatusException.namespaceTerminating(resource, name, namespace);
        }
    }

    // ---- update -------------------------------------------------------------------------------

    /**
     * Updates an object: {@code change} receives a copy of the live object (null when there is
     * none) and returns the object the client wants; a resourceVersion in it must equal the
     * live one. A missing object is created when {@code createIfMissing} (server-side apply).
     *
     * @return the object as stored (the live one unchanged when nothing changed)
     */
    public ObjectNode update(String namespace, String name, UnaryOperator<ObjectNode> change, Target target,
                             boolean createIfMissing, boolean dryRun, Manager manager) {
        String keyText = keys.key(namespace, name);
        byte[] key = ByteKeys.utf8(keyText);
        for (int attempt = 0; ; attempt++) {
            KeyValue current = read(keyText, StorageOperation.UPDATE);
            if (current == null) {
                if (!createIfMissing || target != Target.MAIN) {
                    throw StatusException.notFound(resource, name);
                }
                ObjectNode created = change.apply(null);
                requireSameName(created, name);
                return create(namespace, created, dryRun, manager);
            }
            ObjectNode live = strategy.toServed(StoredObjects.read(current));
            ObjectNode wanted = change.apply(live.deepCopy());
            requireSameName(wanted, name);
            String precondition = StoredObjects.text(wanted, "metadata", "resourceVersion");
            String liveVersion = Long.toString(current.modRevision());
            if (!precondition.isEmpty() && !precondition.equals(liveVersion)) {
                throw StatusException.optimisticLockConflict(resource, name);
            }
            ObjectNode updated = switch (target) {
                case MAIN -> {
                    strategy.prepareForUpdate(wanted, live);
                    yield wanted;
                }
                case STATUS -> strategy.prepareForStatusUpdate(wanted, live);
                case FINALIZE -> ((NamespaceStrategy) strategy).prepareForFinalize(wanted, live);
            };
            Defaults.apply(definition().group(), definition().kind(), updated);
            keepSystemFields(updated, live);
            if (!manager.applied()) {
                updated = (target == Target.STATUS ? statusFields : mainFields).update(live, updated, manager.name());
            }
            // Every built-in strategy allows unconditional updates: the live version stands in.
            updated.withObjectProperty("metadata").put("resourceVersion", liveVersion);
            strategy.validateUpdate(validator, updated, live);
            if (updated.equals(live)) {
                return live;
            }
            if (dryRun) {
                return updated;
            }
            boolean finished = finishesDeletion(updated, live);
            List<Compare> compares = new ArrayList<>(List.of(Compare.modRevisionEquals(key, current.modRevision())));
            List<Op> writes = new ArrayList<>(List.of(finished ? Op.delete(key)
                    : Op.put(key, StoredObjects.write(strategy.toStored(updated)))));
            List<String> held = strategy.reservations(live);
            List<String> holding = finished ? List.of() : strategy.reservations(updated);
            for (String reserved : holding) {
                if (!held.contains(reserved)) {
                    compares.add(Compare.absent(ByteKeys.utf8(reserved)));
                    writes.add(Op.put(ByteKeys.utf8(reserved), key));
                }
            }
            for (String reserved : held) {
                if (!holding.contains(reserved)) {
                    writes.add(Op.delete(ByteKeys.utf8(reserved)));
                }
            }
            TxnResponse response = txn(new TxnRequest(compares, writes, List.of()), StorageOperation.UPDATE);
            if (response.succeeded()) {
                updated.withObjectProperty("metadata").put("resourceVersion", Long.toString(response.revision()));
                return updated;
            }
            // A lost race is retried with the change applied to the new live object, as
            // kube-apiserver re-applies a patch on each attempt: a patch or an edit of the live
            // copy carries the live resourceVersion and succeeds; a client's own stale
            // resourceVersion fails the check above on the next attempt with 409.
            if (attempt >= MAX_ATTEMPTS) {
                throw StatusException.conflict(resource, name, "too many concurrent writers; please retry");
            }
        }
    }

    /** Server-side apply of {@code config} onto the live object (null: the apply creates it). */
    public ObjectNode apply(ObjectNode live, ObjectNode config, String manager, boolean force) {
        return mainFields.apply(live, config, manager, force);
    }

    private void requireSameName(ObjectNode object, String name) {
        String objectName = StoredObjects.text(object, "metadata", "name");
        if (objectName.isEmpty()) {
            object.withObjectProperty("metadata").put("name", name);
        } else if (!objectName.equals(name)) {
            throw StatusException.nameMismatch(objectName, name);
        }
    }

    /** What only the server sets: kept from the live object whatever the client sent. */
    private void keepSystemFields(ObjectNode updated, ObjectNode live) {
        ObjectNode metadata = updated.withObjectProperty("metadata");
        JsonNode liveMeta = live.path("metadata");
        updated.put("kind", definition().kind());
        updated.put("apiVersion", definition().groupVersion().toString());
        if (StoredObjects.text(updated, "metadata", "uid").isEmpty()) {
            metadata.set("uid", liveMeta.get("uid"));
        }
        metadata.set("creationTimestamp", liveMeta.get("creationTimestamp"));
        for (String field : List.of("deletionTimestamp", "deletionGracePeriodSeconds", "namespace")) {
            if (liveMeta.has(field)) {
                metadata.set(field, liveMeta.get(field));
            } else {
                metadata.remove(field);
            }
        }
        if (strategy.tracksGeneration()) {
            long generation = liveMeta.path("generation").asLong(1);
            // without a status subresource, status is part of what the object asks for (custom resources)
            boolean statusApart = strategy.hasStatusSubresource();
            if (!intent(updated, statusApart).equals(intent(live, statusApart))) {
                generation++;
            }
            metadata.put("generation", generation);
        }
    }

    /** What a change of bumps metadata.generation: all but metadata, type meta, and status when it is a subresource. */
    private static JsonNode intent(ObjectNode object, boolean withoutStatus) {
        ObjectNode copy = object.deepCopy();
        copy.remove(withoutStatus ? List.of("metadata", "status", "kind", "apiVersion") : List.of("metadata", "kind", "apiVersion"));
        return copy;
    }

    /**
     * Kubernetes' shouldDeleteDuringUpdate: an update that removes the last finalizer of an object
     * marked for deletion deletes it, unless a grace period is still running (a terminating pod
     * whose kubelet has not finished: updates to it must not end it early).
     */
    private static boolean finishesDeletion(JsonNode updated, JsonNode live) {
        return live.path("metadata").hasNonNull("deletionTimestamp")
                && hasFinalizers(live) && !hasFinalizers(updated)
                && live.path("metadata").path("deletionGracePeriodSeconds").asLong(0) <= 0;
    }

    private static boolean hasFinalizers(JsonNode object) {
        return object.path("metadata").path("finalizers").size() > 0
                || (object.path("kind").asText().equals("Namespace") && NamespaceStrategy.hasSpecFinalizers(object));
    }

    // ---- delete -------------------------------------------------------------------------------

    /**
     * Deletes an object as Kubernetes' Store.Delete does, after rest.BeforeDelete:
     * <ul>
     *   <li>a resource with graceful deletion (pods, {@link ResourceStrategy#gracePeriod}) is first
     *       marked: deletionTimestamp = now + grace, deletionGracePeriodSeconds = grace; it stays
     *       while the grace is above 0 (the kubelet, or Caravel's stand-in controller, finishes it
     *       with a delete of grace 0); a later delete may shorten the grace, never lengthen it,
     *       and one that does not shorten it leaves the object as it is;</li>
     *   <li>an object with finalizers (a namespace: with {@code spec.finalizers}) is only marked,
     *       deletionTimestamp now and grace 0, and a namespace goes Terminating; it goes when an
     *       update removes the last finalizer;</li>
     *   <li>anything else is deleted at once.</li>
     * </ul>
     */
    public Deletion delete(String namespace, String name, DeleteOptions options) {
        String keyText = keys.key(namespace, name);
        byte[] key = ByteKeys.utf8(keyText);
        for (int attempt = 0; ; attempt++) {
            KeyValue current = read(keyText, StorageOperation.DELETE);
            if (current == null) {
                throw StatusException.notFound(resource, name);
            }
            ObjectNode live = strategy.toServed(StoredObjects.read(current));
            checkPreconditions(options.preconditions(), live, keyText, name);
            ObjectNode result = live.deepCopy();
            if (StoredObjects.text(result, "metadata", "deletionTimestamp").isEmpty()) {
                strategy.prepareForDelete(result);
            }
            Graceful graceful = beforeDelete(result, options.gracePeriodSeconds());
            if (graceful == Graceful.PENDING) {
                return new Deletion(live, false);
            }
            // finalizers cannot be changed through DeleteOptions once a graceful deletion is pending
            setGarbageCollectionFinalizers(result, options);
            boolean pendingFinalizers = hasFinalizers(result);
            boolean deleteNow;
            if (graceful == Graceful.MARKED) {
                deleteNow = !pendingFinalizers && result.path("metadata").path("deletionGracePeriodSeconds").asLong() == 0;
            } else if (pendingFinalizers) {
                markAsDeleting(result);
                deleteNow = false;
            } else {
                deleteNow = true;
            }
            if (!deleteNow && strategy instanceof NamespaceStrategy) {
                result.withObjectProperty("status").put("phase", "Terminating");
            }
            if (!deleteNow && result.equals(live)) {
                return new Deletion(live, false);
            }
            if (options.dryRun()) {
                return new Deletion(result, deleteNow);
            }
            List<Op> writes = new ArrayList<>(List.of(deleteNow ? Op.delete(key)
                    : Op.put(key, StoredObjects.write(strategy.toStored(result)))));
            if (deleteNow) {
                for (String reserved : strategy.reservations(live)) {
                    writes.add(Op.delete(ByteKeys.utf8(reserved)));
                }
            }
            TxnResponse response = txn(new TxnRequest(List.of(Compare.modRevisionEquals(key, current.modRevision())),
                    writes, List.of()), StorageOperation.DELETE);
            if (response.succeeded()) {
                if (!deleteNow) {
                    result.withObjectProperty("metadata").put("resourceVersion", Long.toString(response.revision()));
                }
                return new Deletion(result, deleteNow);
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw StatusException.conflict(resource, name, "too many concurrent writers; please retry");
            }
        }
    }

    /** The garbage collector's finalizers: dependents orphaned, or deleted before their owner (foreground). */
    public static final String ORPHAN_FINALIZER = "orphan";
    public static final String FOREGROUND_FINALIZER = "foregroundDeletion";

    /**
     * Kubernetes' deletionFinalizersForGarbageCollection: the delete's propagation policy (or
     * the deprecated orphanDependents) decides, else a finalizer already there, else the default,
     * which is Background (no finalizer) for every resource Caravel serves. Orphan adds
     * {@value #ORPHAN_FINALIZER}, Foreground {@value #FOREGROUND_FINALIZER}; the other is removed.
     */
    private static void setGarbageCollectionFinalizers(ObjectNode object, DeleteOptions options) {
        List<String> finalizers = new ArrayList<>();
        object.path("metadata").path("finalizers").forEach(f -> finalizers.add(f.asText()));
        boolean orphan;
        boolean foreground;
        if (options.orphanDependents() != null) {
            orphan = options.orphanDependents();
            foreground = false;
        } else if (options.propagationPolicy() != null) {
            orphan = options.propagationPolicy() == PropagationPolicy.ORPHAN;
            foreground = options.propagationPolicy() == PropagationPolicy.FOREGROUND;
        } else {
            int orphanAt = finalizers.indexOf(ORPHAN_FINALIZER);
            int foregroundAt = finalizers.indexOf(FOREGROUND_FINALIZER);
            // the first of the two present wins, as the reference's loop over finalizers decides
            orphan = orphanAt >= 0 && (foregroundAt < 0 || orphanAt < foregroundAt);
            foreground = foregroundAt >= 0 && !orphan;
        }
        List<String> wanted = new ArrayList<>(finalizers);
        wanted.removeIf(f -> f.equals(ORPHAN_FINALIZER) || f.equals(FOREGROUND_FINALIZER));
        if (orphan) {
            wanted.add(ORPHAN_FINALIZER);
        }
        if (foreground) {
            wanted.add(FOREGROUND_FINALIZER);
        }
        if (new java.util.HashSet<>(wanted).equals(new java.util.HashSet<>(finalizers))) {
            return;
        }
        ObjectNode metadata = object.withObjectProperty("metadata");
        if (wanted.isEmpty()) {
            metadata.remove("finalizers");
        } else {
            ArrayNode array = metadata.putArray("finalizers");
            wanted.forEach(array::add);
        }
    }

    /** What rest.BeforeDelete decided: not graceful, marked for a graceful delete, or one already pending. */
    private enum Graceful { NO, MARKED, PENDING }

    /**
     * Kubernetes' rest.BeforeDelete on {@code object} (changed in place when MARKED). A negative
     * requested grace counts as 1 second, as in the reference.
     */
    private Graceful beforeDelete(ObjectNode object, Long requestedGrace) {
        Long grace = requestedGrace != null && requestedGrace < 0 ? Long.valueOf(1) : requestedGrace;
        OptionalLong period = strategy.gracePeriod(object, grace);
        if (period.isEmpty()) {
            return Graceful.NO;
        }
        ObjectNode metadata = object.withObjectProperty("metadata");
        String deletionTimestamp = StoredObjects.text(object, "metadata", "deletionTimestamp");
        if (!deletionTimestamp.isEmpty()) {
            long current = metadata.path("deletionGracePeriodSeconds").asLong(0);
            if (current <= 0) {
                // marked with grace 0 (finalizers pending, or a delete that failed half way): go on at once
                return Graceful.NO;
            }
            if (grace == null || grace >= current) {
                return Graceful.PENDING;
            }
            Instant shortened = Instant.parse(deletionTimestamp).minusSeconds(current).plusSeconds(grace);
            metadata.put("deletionTimestamp", timestamp(shortened));
            metadata.put("deletionGracePeriodSeconds", grace.longValue());
            return Graceful.MARKED;
        }
        metadata.put("deletionTimestamp", timestamp(clock.instant().plusSeconds(period.getAsLong())));
        metadata.put("deletionGracePeriodSeconds", period.getAsLong());
        bumpGeneration(metadata);
        return Graceful.MARKED;
    }

    /** Kubernetes' markAsDeleting: an object kept by its finalizers is marked now, with grace 0. */
    private void markAsDeleting(ObjectNode object) {
        ObjectNode metadata = object.withObjectProperty("metadata");
        String existing = StoredObjects.text(object, "metadata", "deletionTimestamp");
        Instant now = clock.instant();
        if (existing.isEmpty()) {
            bumpGeneration(metadata);
        }
        if (existing.isEmpty() || Instant.parse(existing).isAfter(now)) {
            metadata.put("deletionTimestamp", timestamp(now));
        }
        metadata.put("deletionGracePeriodSeconds", 0);
    }

    /** The first deletion mark is a change of the object's intent: generation grows, as in the reference. */
    private static void bumpGeneration(ObjectNode metadata) {
        long generation = metadata.path("generation").asLong(0);
        if (generation > 0) {
            metadata.put("generation", generation + 1);
        }
    }

    /**
     * Writes {@code change} of the stored object around the strategy: no defaults, validation or
     * managedFields, as Kubernetes' pod binding writes storage directly. {@code change} gets a copy
     * of the live object, may throw a StatusException, and returns what to store; the
     * preconditions are checked on each attempt and lost races are retried.
     */
    ObjectNode writeDirectly(String namespace, String name, Preconditions preconditions,
                             UnaryOperator<ObjectNode> change, boolean dryRun) {
        String keyText = keys.key(namespace, name);
        byte[] key = ByteKeys.utf8(keyText);
        for (int attempt = 0; ; attempt++) {
            KeyValue current = read(keyText, StorageOperation.UPDATE);
            if (current == null) {
                throw StatusException.notFound(resource, name);
            }
            ObjectNode live = strategy.toServed(StoredObjects.read(current));
            checkPreconditions(preconditions, live, keyText, name);
            ObjectNode updated = change.apply(live.deepCopy());
            if (dryRun || updated.equals(live)) {
                return updated;
            }
            TxnResponse response = txn(new TxnRequest(List.of(Compare.modRevisionEquals(key, current.modRevision())),
                    List.of(Op.put(key, StoredObjects.write(strategy.toStored(updated)))), List.of()),
                    StorageOperation.UPDATE);
            if (response.succeeded()) {
                updated.withObjectProperty("metadata").put("resourceVersion", Long.toString(response.revision()));
                return updated;
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw StatusException.conflict(resource, name, "too many concurrent writers; please retry");
            }
        }
    }

    private void checkPreconditions(Preconditions preconditions, ObjectNode live, String key, String name) {
        String uid = StoredObjects.text(live, "metadata", "uid");
        if (preconditions.uid() != null && !preconditions.uid().equals(uid)) {
            throw StatusException.uidPreconditionFailed(resource, name, key, preconditions.uid(), uid);
        }
        String rv = StoredObjects.text(live, "metadata", "resourceVersion");
        if (preconditions.resourceVersion() != null && !preconditions.resourceVersion().equals(rv)) {
            throw StatusException.resourceVersionPreconditionFailed(resource, name, key,
                    preconditions.resourceVersion(), rv);
        }
    }

    /** The Success Status a delete answers when the object is gone (unless the strategy returns the object). */
    public Status deletedStatus(ObjectNode deleted) {
        return Status.success(0, new StatusDetails(StoredObjects.text(deleted, "metadata", "name"), resource.group(),
                resource.resource(), StoredObjects.text(deleted, "metadata", "uid"), List.of(), 0));
    }

    /** Deletes every object the options select, one by one; answers the list of what was deleted or marked. */
    public ObjectNode deleteCollection(String namespace, ListOptions listOptions, DeleteOptions options) {
        ObjectNode list = list(namespace, new ListOptions(listOptions.labelSelector(), listOptions.fieldSelector(),
                false, false, "", null, null, 0, "", null));
        ArrayNode deleted = JsonNodeFactory.instance.arrayNode();
        for (JsonNode item : list.path("items")) {
            try {
                Deletion d = delete(StoredObjects.text(item, "metadata", "namespace"),
                        StoredObjects.text(item, "metadata", "name"), options);
                ObjectNode object = d.object();
                object.remove("kind");
                object.remove("apiVersion");
                deleted.add(object);
            } catch (StatusException e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
        list.set("items", deleted);
        return list;
    }

    private TxnResponse txn(TxnRequest request, StorageOperation operation) {
        try {
            return kv.txn(request);
        } catch (StorageException e) {
            throw StatusException.fromStorage(e, resource, operation);
        }
    }

    /** RFC 3339 in UTC to the second, as metav1.Time is written. */
    static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
