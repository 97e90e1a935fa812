package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StorageOperation;
import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.http.ApiResponse;
import dev.caravel.apiserver.http.ResponseStream;
import dev.caravel.apiserver.printer.IncludeObject;
import dev.caravel.apiserver.printer.TablePrinter;
import dev.caravel.apiserver.request.ListOptions;
import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.Watch;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchListener;
import dev.caravel.storage.WatchRequest;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One watch stream: chunked JSON, one {@code {"type":"ADDED","object":{...}}} line per event,
 * read straight from a storage watch (the watch cache comes later).
 *
 * <p>resourceVersion "" or "0": the current objects first, as ADDED, then changes after the
 * revision they were read at; N: changes after N, and if N is compacted an ERROR event holding a
 * 410 Expired Status, inside a 200 stream, as Kubernetes answers. With allowWatchBookmarks a
 * BOOKMARK (kind, apiVersion and resourceVersion only) is sent when the store confirms progress,
 * asked for every {@link #BOOKMARK_INTERVAL}; with sendInitialEvents the end of the initial
 * events is a bookmark annotated {@code k8s.io/initial-events-end}.
 */
final class WatchHandler {

    static final Duration BOOKMARK_INTERVAL = Duration.ofSeconds(10);
    /** Kubernetes picks a random timeout between 30 and 60 minutes; a fixed 30 is enough for one server. */
    static final long DEFAULT_TIMEOUT_SECONDS = 1800;
    /** Bound on undelivered event batches; beyond it the watch ends and the client watches again. */
    private static final int QUEUE_CAPACITY = 10_000;

    private final GenericStore store;
    private final TablePrinter printer;
    private final ObjectMapper json;

    WatchHandler(GenericStore store, TablePrinter printer, ObjectMapper json) {
        this.store = store;
        this.printer = printer;
        this.json = json;
    }

    private sealed interface Signal {}
    private record Events(List<WatchEvent> events) implements Signal {}
    private record Progress(long revision) implements Signal {}
    private record Closed(StorageException cause) implements Signal {}

    ApiResponse watch(ApiRequest request, String namespace, ListOptions options) {
        String rv = options.resourceVersion();
        boolean initial = (rv.isEmpty() || rv.equals("0")) ? !Boolean.FALSE.equals(options.sendInitialEvents())
                : Boolean.TRUE.equals(options.sendInitialEvents());
        ObjectNode initialList = null;
        long after;
        if (initial) {
            initialList = store.list(namespace, new ListOptions(options.labelSelector(), options.fieldSelector(),
                    false, false, "", null, null, 0, "", null));
            after = Long.parseLong(initialList.path("metadata").path("resourceVersion").asText());
        } else if (rv.isEmpty() || rv.equals("0")) {
            after = store.kv().currentRevision();
        } else {
            after = options.resourceVersionNumber();
        }
        boolean table = RestHandler.form(request, false) == RestHandler.Form.TABLE;
        IncludeObject include = IncludeObject.parse(request.query().first("includeObject"));
        long timeout = options.timeoutSeconds() != null && options.timeoutSeconds() > 0
                ? options.timeoutSeconds() : DEFAULT_TIMEOUT_SECONDS;
        ObjectNode finalInitialList = initialList;
        long start = after;
        return ApiResponse.stream(ApiResponse.JSON, out ->
                stream(out, namespace, options, finalInitialList, start, table, include, timeout));
    }

    private void stream(ResponseStream out, String namespace, ListOptions options, ObjectNode initialList,
                        long after, boolean table, IncludeObject include, long timeoutSeconds) throws Exception {
        GroupResource resource = store.strategy().groupResource();
        TablePrinter.WatchTables tables = table ? printer.watch(resource, include) : null;
        BlockingQueue<Signal> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
        String prefix = store.keys().prefix(namespace);
        byte[] key = ByteKeys.utf8(prefix);
        WatchRequest watchRequest = new WatchRequest(key, ByteKeys.prefixEnd(key), after + 1, true, false);
        Watch watch;
        try {
            watch = store.kv().watch(watchRequest, new WatchListener() {
                @Override
                public void onEvents(List<WatchEvent> events) {
                    if (!queue.offer(new Events(events))) {
                        queue.clear();
                        queue.offer(new Closed(new StorageException(StorageException.Kind.UNAVAILABLE, "watcher too slow")));
                    }
                }

                @Override
                public void onProgress(long revision) {
                    queue.offer(new Progress(revision));
                }

                @Override
                public void onClosed(StorageException cause) {
                    queue.offer(new Closed(cause));
                }
            });
        } catch (StorageException e) {
            sendError(out, StatusException.fromStorage(e, resource, StorageOperation.WATCH).status());
            return;
        }
        out.onClose(() -> queue.offer(new Closed(null)));
        try {
            if (initialList != null) {
                for (JsonNode item : initialList.path("items")) {
                    ObjectNode object = (ObjectNode) item;
                    object.put("kind", store.definition().kind());
                    object.put("apiVersion", store.definition().groupVersion().toString());
                    send(out, "ADDED", object, tables);
                }
                if (Boolean.TRUE.equals(options.sendInitialEvents()) && options.allowWatchBookmarks()) {
                    ObjectNode bookmark = bookmark(after);
                    bookmark.withObjectProperty("metadata").withObjectProperty("annotations")
                            .put("k8s.io/initial-events-end", "true");
                    send(out, "BOOKMARK", bookmark, null);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long nextBookmark = System.nanoTime() + BOOKMARK_INTERVAL.toNanos();
            while (out.isOpen()) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    return;
                }
                if (options.allowWatchBookmarks() && now >= nextBookmark) {
                    watch.requestProgress();
                    nextBookmark = now + BOOKMARK_INTERVAL.toNanos();
                }
                long wait = Math.min(deadline, options.allowWatchBookmarks() ? nextBookmark : deadline) - now;
                Signal signal = queue.poll(Math.max(wait, 1_000_000), TimeUnit.NANOSECONDS);
                switch (signal) {
                    case null -> { }
                    case Events events -> {
                        for (WatchEvent event : events.events()) {
                            if (!deliver(out, event, options, tables)) {
                                return;
                            }
                        }
                    }
                    case Progress progress -> {
                        if (options.allowWatchBookmarks()) {
                            send(out, "BOOKMARK", bookmark(progress.revision()), null);
                        }
                    }
                    case Closed closed -> {
                        if (closed.cause() != null && closed.cause().kind() == StorageException.Kind.COMPACTED) {
                            sendError(out, StatusException.fromStorage(closed.cause(), resource, StorageOperation.WATCH).status());
                        }
                        return;
                    }
                }
            }
        } finally {
            watch.close();
        }
    }

    /** Sends one storage event as the watcher sees it through its selectors; false once the client is gone. */
    private boolean deliver(ResponseStream out, WatchEvent event, ListOptions options, TablePrinter.WatchTables tables)
            throws IOException {
        ObjectNode previous = event.prevKv() == null ? null : StoredObjects.read(event.prevKv());
        boolean wasSeen = previous != null && StoredObjects.matches(previous, options.labelSelector(), options.fieldSelector());
        if (event.type() == WatchEvent.Type.DELETE) {
            if (previous == null || !wasSeen) {
                return true;
            }
            previous.withObjectProperty("metadata").put("resourceVersion", Long.toString(event.revision()));
            return send(out, "DELETED", previous, tables);
        }
        ObjectNode object = StoredObjects.read(event.kv());
        boolean isSeen = StoredObjects.matches(object, options.labelSelector(), options.fieldSelector());
        if (isSeen) {
            return send(out, wasSeen ? "MODIFIED" : "ADDED", object, tables);
        }
        return !wasSeen || send(out, "DELETED", object, tables);
    }

    private ObjectNode bookmark(long revision) {
        ObjectNode bookmark = JsonNodeFactory.instance.objectNode();
        bookmark.put("kind", store.definition().kind());
        bookmark.put("apiVersion", store.definition().groupVersion().toString());
        bookmark.putObject("metadata").put("resourceVersion", Long.toString(revision));
        return bookmark;
    }

    private boolean send(ResponseStream out, String type, ObjectNode object, TablePrinter.WatchTables tables)
            throws IOException {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("type", type);
        event.set("object", tables != null && !type.equals("BOOKMARK") ? tables.next(object) : object);
        byte[] bytes = json.writeValueAsBytes(event);
        byte[] line = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        line[bytes.length] = '\n';
        return out.send(line);
    }

    private void sendError(ResponseStream out, Status status) throws IOException {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("type", "ERROR");
        event.set("object", json.readTree(status.toJsonBytes()));
        out.send((json.writeValueAsString(event) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
