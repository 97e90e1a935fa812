package dev.caravel.apiserver.cache;

import java.nio.charset.StandardCharsets;

/**
 * One change the watch cache saw: the object after it (null for a deletion), the object before it
 * (null for a creation), and the revision. Keeping the previous object lets a watcher with a
 * selector see an object enter its view (ADDED) or leave it (DELETED), as Kubernetes'
 * watchCacheEvent does.
 *
 * <p>The watch event lines are written at most once per event and type, whatever the number of
 * watchers that receive them (Kubernetes' cachingObject): a line is the same bytes for every
 * watcher that sees the same type.
 */
public final class CacheEvent {

    /** A watch event's type, as written on the wire. */
    public enum Type { ADDED, MODIFIED, DELETED }

    private final CachedObject object;
    private final CachedObject previous;
    private final long revision;
    private final CachedObject.TypeMeta typeMeta;

    // Written lazily by whichever watcher thread needs them first; a race writes equal bytes twice.
    private volatile byte[] addedLine;
    private volatile byte[] modifiedLine;
    private volatile byte[] deletedLine;
    private volatile CachedObject deletedObject;

    CacheEvent(CachedObject object, CachedObject previous, long revision, CachedObject.TypeMeta typeMeta) {
        if (object == null && previous == null) {
            throw new IllegalArgumentException("an event needs an object before or after it");
        }
        this.object = object;
        this.previous = previous;
        this.revision = revision;
        this.typeMeta = typeMeta;
    }

    /** The object after the change; null when it was deleted. */
    public CachedObject object() {
        return object;
    }

    /** The object before the change; null when it was created. */
    public CachedObject previous() {
        return previous;
    }

    public long revision() {
        return revision;
    }

    /** The key of the object changed. */
    public String key() {
        return object != null ? object.key() : previous.key();
    }

    /**
     * What a watcher whose view is {@code selection} receives for this event, or null when the
     * object is outside its view before and after: ADDED when it enters, MODIFIED while it stays,
     * DELETED (with the last object it saw, at this event's revision) when it leaves or is deleted.
     */
    public Type typeFor(Selection selection) {
        boolean wasSeen = previous != null && selection.matches(previous);
        boolean isSeen = object != null && selection.matches(object);
        if (isSeen) {
            return wasSeen ? Type.MODIFIED : Type.ADDED;
        }
        return wasSeen ? Type.DELETED : null;
    }

    /** The object a watcher receives with {@code type}. */
    public CachedObject objectFor(Type type) {
        if (type != Type.DELETED) {
            return object;
        }
        CachedObject deleted = deletedObject;
        if (deleted == null) {
            deleted = previous.withResourceVersion(revision);
            deletedObject = deleted;
        }
        return deleted;
    }

    /** The event as one line of a JSON watch stream: {@code {"type":"ADDED","object":{...}}\n}. */
    public byte[] line(Type type) {
        byte[] line = switch (type) {
            case ADDED -> addedLine;
            case MODIFIED -> modifiedLine;
            case DELETED -> deletedLine;
        };
        if (line != null) {
            return line;
        }
        line = eventLine(type.name(), objectFor(type).withTypeMeta(typeMeta));
        switch (type) {
            case ADDED -> addedLine = line;
            case MODIFIED -> modifiedLine = line;
            case DELETED -> deletedLine = line;
        }
        return line;
    }

    /** {@code {"type":"<type>","object":<object>}} and a newline. */
    public static byte[] eventLine(String type, byte[] object) {
        byte[] head = ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[head.length + object.length + 2];
        System.arraycopy(head, 0, line, 0, head.length);
        System.arraycopy(object, 0, line, head.length, object.length);
        line[line.length - 2] = '}';
        line[line.length - 1] = '\n';
        return line;
    }
}
