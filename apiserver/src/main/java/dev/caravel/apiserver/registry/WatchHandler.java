package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.cache.CacheEvent;
import dev.caravel.apiserver.cache.CacheWatcher;
import dev.caravel.apiserver.cache.CachedObject;
import dev.caravel.apiserver.cache.CachedReads;
import dev.caravel.apiserver.cache.Selection;
import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.http.ApiResponse;
import dev.caravel.apiserver.http.ResponseStream;
import dev.caravel.apiserver.printer.IncludeObject;
import dev.caravel.apiserver.printer.TablePrinter;
import dev.caravel.apiserver.request.ListOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One watch stream, served by the resource's watch cache: chunked JSON, one
 * {@code {"type":"ADDED","object":{...}}} line per event, written from the cache's bytes (the
 * same line for every watcher that sees an event alike).
 *
 * <p>What the stream starts with is {@link CachedReads#watch}'s decision (current state as ADDED,
 * or the window's events after a resourceVersion). A watch that cannot start, from a revision
 * older than the window (410 Expired) or one the cache does not reach (504), gets an ERROR event
 * holding the Status inside a 200 stream, as Kubernetes answers. With allowWatchBookmarks a
 * BOOKMARK (kind, apiVersion and resourceVersion only) comes periodically; a streaming list
 * (sendInitialEvents=true) ends its initial events with a bookmark annotated
 * {@code k8s.io/initial-events-end}. A watcher the cache ends (too slow, or a re-list) sees its
 * stream end; its client watches again from the last resourceVersion it received.
 */
final class WatchHandler {

    /** Kubernetes picks a random timeout between 30 and 60 minutes; a fixed 30 is enough for one server. */
    static final long DEFAULT_TIMEOUT_SECONDS = 1800;
    /** Longest wait between checks of the deadline and of the client's connection. */
    private static final long POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final GenericStore store;
    private final TablePrinter printer;
    private final ObjectMapper json;

    WatchHandler(GenericStore store, TablePrinter printer, ObjectMapper json) {
        this.store = store;
        this.printer = printer;
        this.json = json;
    }

    ApiResponse watch(ApiRequest request, String namespace, ListOptions options) {
        CachedReads reads = store.reads();
        // A field the kind cannot select by is a 400 before the stream starts, as in Kubernetes.
        Selection selection = reads.selection(store.keys().prefix(namespace), options);
        boolean table = RestHandler.form(request, false) == RestHandler.Form.TABLE;
        IncludeObject include = IncludeObject.parse(request.query().first("includeObject"));
        long timeout = options.timeoutSeconds() != null && options.timeoutSeconds() > 0
                ? options.timeoutSeconds() : DEFAULT_TIMEOUT_SECONDS;
        return ApiResponse.stream(ApiResponse.JSON, out -> stream(out, reads, selection, options, table, include, timeout));
    }

    private void stream(ResponseStream out, CachedReads reads, Selection selection, ListOptions options, boolean table,
                        IncludeObject include, long timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        GroupResource resource = store.strategy().groupResource();
        TablePrinter.WatchTables tables = table ? printer.watch(resource, include) : null;
        CacheWatcher watcher;
        try {
            watcher = reads.watch(selection, options);
        } catch (StatusException e) {
            sendError(out, e.status());
            return;
        }
        out.onClose(watcher::close);
        Lines lines = new Lines(out);
        try {
            for (CachedObject object : watcher.initialObjects()) {
                if (!lines.add(line(CacheEvent.Type.ADDED, object, null, tables))) {
                    return;
                }
            }
            for (CacheWatcher.Event event : watcher.initialEvents()) {
                if (!lines.add(line(event.type(), event.event().objectFor(event.type()), event, tables))) {
                    return;
                }
            }
            if (Boolean.TRUE.equals(options.sendInitialEvents()) && options.allowWatchBookmarks()) {
                ObjectNode bookmark = bookmark(watcher.startRevision());
                bookmark.withObjectProperty("metadata").withObjectProperty("annotations")
                        .put("k8s.io/initial-events-end", "true");
                if (!lines.add(bookmarkLine(bookmark))) {
                    return;
                }
            }
            while (out.isOpen()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                // What is already queued goes out in one chunk; the stream is flushed before it waits.
                CacheWatcher.Item item = watcher.poll(0);
                if (item == null) {
                    if (!lines.flush()) {
                        return;
                    }
                    item = watcher.poll(Math.min(left, POLL_NANOS));
                }
                switch (item) {
                    case null -> {
                        if (watcher.isTerminated()) {
                            return;
                        }
                    }
                    case CacheWatcher.Event event -> {
                        if (!lines.add(line(event.type(), event.event().objectFor(event.type()), event, tables))) {
                            return;
                        }
                    }
                    case CacheWatcher.Bookmark bookmark -> {
                        if (options.allowWatchBookmarks() && !lines.add(bookmarkLine(bookmark(bookmark.revision())))) {
                            return;
                        }
                    }
                    case CacheWatcher.Ended ended -> {
                        return;
                    }
                }
            }
        } finally {
            lines.flush();
            watcher.close();
        }
    }

    /**
     * Event lines gathered into chunks: one chunk (and one flush) per burst rather than per event,
     * which matters for a streaming list of thousands of objects and for busy watches.
     */
    private static final class Lines {
        private static final int CHUNK_BYTES = 256 * 1024;
        private final ResponseStream out;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream(16 * 1024);

        Lines(ResponseStream out) {
            this.out = out;
        }

        /** Adds a line; false once the client has gone. */
        boolean add(byte[] line) {
            pending.writeBytes(line);
            return pending.size() < CHUNK_BYTES || flush();
        }

        boolean flush() {
            if (pending.size() == 0) {
                return out.isOpen();
            }
            byte[] chunk = pending.toByteArray();
            pending.reset();
            return out.send(chunk);
        }
    }

    /** One event's line: the cache's bytes as they are, or a Table row built from the object. */
    private byte[] line(CacheEvent.Type type, CachedObject object, CacheWatcher.Event event,
                        TablePrinter.WatchTables tables) throws IOException {
        if (tables != null) {
            ObjectNode line = JsonNodeFactory.instance.objectNode();
            line.put("type", type.name());
            line.set("object", tables.next(object.tree(store.typeMeta())));
            return withNewline(json.writeValueAsBytes(line));
        }
        if (event != null) {
            return event.event().line(type);
        }
        return CacheEvent.eventLine(type.name(), object.withTypeMeta(store.typeMeta()));
    }

    private ObjectNode bookmark(long revision) {
        ObjectNode bookmark = JsonNodeFactory.instance.objectNode();
        bookmark.put("kind", store.definition().kind());
        bookmark.put("apiVersion", store.definition().groupVersion().toString());
        bookmark.putObject("metadata").put("resourceVersion", Long.toString(revision));
        return bookmark;
    }

    private byte[] bookmarkLine(ObjectNode bookmark) throws IOException {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("type", "BOOKMARK");
        event.set("object", bookmark);
        return withNewline(json.writeValueAsBytes(event));
    }

    private void sendError(ResponseStream out, Status status) throws IOException {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("type", "ERROR");
        event.set("object", json.readTree(status.toJsonBytes()));
        out.send((json.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] withNewline(byte[] bytes) {
        byte[] line = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        line[bytes.length] = '\n';
        return line;
    }
}
