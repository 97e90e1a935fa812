package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The owners of an object's fields, as read from and written to {@code metadata.managedFields}:
 * for each {@link ManagerId}, the fields it owns, the API version it wrote them with and when it
 * last changed the object.
 *
 * <p>Entries are written sorted as Kubernetes sorts them: appliers before updaters, then by time,
 * manager name, API version and subresource. Two entries with the same id cannot exist: reading
 * keeps the last, as Kubernetes does.
 *
 * <p>Mutable, and only ever used inside one request.
 */
public final class ManagedFields {

    /** What one manager owns. */
    record Owned(FieldSet fields, String apiVersion) {
    }

    private final LinkedHashMap<ManagerId, Owned> owners = new LinkedHashMap<>();
    private final Map<ManagerId, Instant> times = new LinkedHashMap<>();

    ManagedFields() {
    }

    public static ManagedFields empty() {
        return new ManagedFields();
    }

    /**
     * Reads an object's {@code metadata.managedFields}; absent or null is empty.
     *
     * @throws IllegalArgumentException when an entry is invalid, with Kubernetes' message
     */
    public static ManagedFields read(JsonNode object) {
        JsonNode list = object == null ? null : object.path("metadata").get("managedFields");
        return fromEntries(list);
    }

    static ManagedFields fromEntries(JsonNode list) {
        ManagedFields out = new ManagedFields();
        if (list == null || list.isNull() || list.isMissingNode()) {
            return out;
        }
        if (!list.isArray()) {
            throw new IllegalArgumentException("managedFields must be a list");
        }
        for (int i = 0; i < list.size(); i++) {
            ManagedFieldsEntry e = ManagedFieldsEntry.fromJson(list.get(i), i);
            out.owners.put(e.id(), new Owned(e.fields(), e.apiVersion()));
            if (e.time() != null) {
                out.times.put(e.id(), e.time());
            } else {
                out.times.remove(e.id());
            }
        }
        return out;
    }

    /**
     * Whether a write asks to clear managedFields: an empty list, or a list of one empty entry
     * (which is how a client that cannot send an empty list asks).
     */
    static boolean isReset(JsonNode list) {
        if (list == null || list.isNull() || list.isMissingNode() || !list.isArray()) {
            return false;
        }
        return list.isEmpty() || (list.size() == 1 && list.get(0).isObject() && list.get(0).isEmpty());
    }

    public boolean isEmpty() {
        return owners.isEmpty();
    }

    /** The fields a manager owns, empty if it has no entry. */
    public FieldSet fieldsOf(ManagerId id) {
        Owned o = owners.get(id);
        return o == null ? FieldSet.empty() : o.fields();
    }

    public Optional<Instant> timeOf(ManagerId id) {
        return Optional.ofNullable(times.get(id));
    }

    Map<ManagerId, Owned> owners() {
        return owners;
    }

    Map<ManagerId, Instant> times() {
        return times;
    }

    /** Sets a manager's fields; an empty set removes its entry. */
    void put(ManagerId id, FieldSet fields, String apiVersion) {
        if (fields.isEmpty()) {
            remove(id);
        } else {
            owners.put(id, new Owned(fields, apiVersion));
        }
    }

    void remove(ManagerId id) {
        owners.remove(id);
        times.remove(id);
    }

    ManagedFields copy() {
        ManagedFields c = new ManagedFields();
        c.owners.putAll(owners);
        c.times.putAll(times);
        return c;
    }

    /** The entries in the order Kubernetes writes them. */
    public List<ManagedFieldsEntry> entries() {
        List<ManagedFieldsEntry> out = new ArrayList<>(owners.size());
        for (Map.Entry<ManagerId, Owned> e : owners.entrySet()) {
            ManagerId id = e.getKey();
            out.add(new ManagedFieldsEntry(id.manager(), id.operation(), e.getValue().apiVersion(), times.get(id),
                    e.getValue().fields(), id.subresource()));
        }
        out.sort(ORDER);
        return out;
    }

    private static final Comparator<ManagedFieldsEntry> ORDER = Comparator
            .comparing((ManagedFieldsEntry e) -> e.operation().wireName())
            .thenComparingLong(e -> e.time() == null ? 0 : e.time().getEpochSecond())
            .thenComparing(ManagedFieldsEntry::manager, ValueOrder::compareBytes)
            .thenComparing(ManagedFieldsEntry::apiVersion, ValueOrder::compareBytes)
            .thenComparing(ManagedFieldsEntry::subresource, ValueOrder::compareBytes);

    public ArrayNode toJson() {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (ManagedFieldsEntry e : entries()) {
            out.add(e.toJson());
        }
        return out;
    }

    /**
     * Writes the entries into {@code object.metadata.managedFields}, after the other metadata as
     * in Kubernetes' ObjectMeta; removes the member when there are none.
     */
    public void writeTo(ObjectNode object) {
        JsonNode metadata = object.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            if (owners.isEmpty()) {
                return;
            }
            metadata = object.putObject("metadata");
        }
        ObjectNode meta = (ObjectNode) metadata;
        meta.remove("managedFields");
        if (!owners.isEmpty()) {
            meta.set("managedFields", toJson());
        }
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
