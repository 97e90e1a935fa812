package dev.caravel.apiserver.printer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Builds the meta.k8s.io/v1 Table Kubernetes answers to {@code Accept: application/json;as=Table;
 * g=meta.k8s.io;v=v1}: for a list, for a single GET, and for each event of a watch.
 *
 * <pre>
 * {"kind":"Table","apiVersion":"meta.k8s.io/v1",
 *  "metadata":{"resourceVersion":"42","continue":"..."},
 *  "columnDefinitions":[{"name":"Name","type":"string","format":"name","description":"...","priority":0}, ...],
 *  "rows":[{"cells":["web-1","1/1","Running","0","5m"],"object":{PartialObjectMetadata}}]}
 * </pre>
 *
 * Cells are computed as for {@code -o wide}: the server always sends priority 1 columns and
 * kubectl hides them unless asked. Ages are relative to the injected clock, read once per table
 * so every row of one answer agrees.
 */
public final class TablePrinter {

    public static final String API_VERSION = "meta.k8s.io/v1";

    private final ResourcePrinters printers;
    private final Clock clock;
    /** Printers of resources that come and go (custom resources' printer columns), asked first. */
    private final BiFunction<GroupResource, String, Optional<ResourcePrinter>> custom;

    public TablePrinter(ResourcePrinters printers, Clock clock) {
        this(printers, clock, (resource, apiVersion) -> Optional.empty());
    }

    private TablePrinter(ResourcePrinters printers, Clock clock,
                         BiFunction<GroupResource, String, Optional<ResourcePrinter>> custom) {
        this.printers = Objects.requireNonNull(printers, "printers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.custom = Objects.requireNonNull(custom, "custom");
    }

    /**
     * This printer, asking {@code customPrinters} first for each resource and apiVersion of the
     * objects printed ("" when unknown): a lookup that follows CustomResourceDefinitions as they
     * are written, whose versions may each declare their own columns.
     */
    public TablePrinter withCustomPrinters(BiFunction<GroupResource, String, Optional<ResourcePrinter>> customPrinters) {
        return new TablePrinter(printers, clock, customPrinters);
    }

    private ResourcePrinter printerOf(GroupResource resource) {
        return printerOf(resource, "");
    }

    private ResourcePrinter printerOf(GroupResource resource, String apiVersion) {
        return custom.apply(resource, apiVersion).orElseGet(() -> printers.forResource(resource));
    }

    /** The built-in printers on the system clock: what the server uses. */
    public static TablePrinter systemDefault() {
        return new TablePrinter(ResourcePrinters.builtin(), Clock.systemUTC());
    }

    public List<TableColumn> columns(GroupResource resource) {
        return printerOf(resource).columns();
    }

    /**
     * The Table of a list. {@code list} is the List object as the server would send it (its
     * {@code metadata} gives the Table's resourceVersion, continue and remainingItemCount; its
     * {@code items} the rows, in order).
     */
    public ObjectNode listTable(GroupResource resource, JsonNode list, IncludeObject include) {
        List<ObjectNode> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            items.add(embeddable((ObjectNode) item, list, include));
        }
        return table(resource, Fields.text(list, "apiVersion"), items, listMeta(list.path("metadata")), include, true);
    }

    /**
     * Writes the Table of a list row by row, in chunks of about {@code chunkBytes}: the same bytes
     * as {@link #listTable} (and a newline), without ever holding more than one item's tree. A list
     * of a gigabyte asked as a Table (what {@code kubectl get} asks) would otherwise be several
     * trees of its whole size at once.
     *
     * @param listHead the list's kind, apiVersion and metadata (any items in it are ignored)
     * @param items    the list's items in order, each a fresh tree the printer may keep or change;
     *                 read one at a time, as rows are written
     * @param chunks   receives each chunk; returns false to stop (the client left)
     * @return false if the client left before the end
     */
    public boolean writeListTable(GroupResource resource, JsonNode listHead, Iterable<? extends ObjectNode> items,
            IncludeObject include, int chunkBytes, Predicate<byte[]> chunks) {
        ResourcePrinter printer = printerOf(resource, Fields.text(listHead, "apiVersion"));
        Instant now = clock.instant();
        ObjectNode header = header(printer, listMeta(listHead.path("metadata")), true);
        header.putArray("rows");
        JsonListWriter writer = new JsonListWriter(header, "rows", chunkBytes, chunks);
        for (ObjectNode item : items) {
            if (!writer.add(row(printer, embeddable(item, listHead, include), now, include))) {
                return false;
            }
        }
        return writer.finish();
    }

    /**
     * The item as a row embeds it. List items go out without kind and apiVersion, but an embedded
     * row object must carry them: kubectl decodes it on its own and fails without a kind.
     */
    private static ObjectNode embeddable(ObjectNode object, JsonNode list, IncludeObject include) {
        if (include != IncludeObject.OBJECT || object.has("kind")) {
            return object;
        }
        String listKind = Fields.text(list, "kind");
        if (!listKind.endsWith("List") || listKind.length() == 4) {
            return object;
        }
        ObjectNode typed = JsonNodeFactory.instance.objectNode();
        typed.put("kind", listKind.substring(0, listKind.length() - 4));
        typed.put("apiVersion", Fields.text(list, "apiVersion"));
        typed.setAll(object);
        return typed;
    }

    /** The Table of one object (a GET): one row, the object's resourceVersion as the Table's. */
    public ObjectNode objectTable(GroupResource resource, ObjectNode object, IncludeObject include) {
        return table(resource, Fields.text(object, "apiVersion"), List.of(object), objectListMeta(object), include, true);
    }

    /**
     * A printer for one watch stream: each event's object becomes a one-row Table, and only the
     * first carries columnDefinitions (later ones have {@code null}), as Kubernetes does. Holds
     * per-stream state: one per watch, used by that watch's thread only.
     */
    public WatchTables watch(GroupResource resource, IncludeObject include) {
        return new WatchTables(resource, include);
    }

    public final class WatchTables {
        private final GroupResource resource;
        private final IncludeObject include;
        private boolean headersSent;

        private WatchTables(GroupResource resource, IncludeObject include) {
            this.resource = resource;
            this.include = include;
        }

        /**
         * The Table to put in the event's {@code object} field in place of the object. ERROR
         * events keep their Status: Kubernetes never turns a Status into a Table.
         */
        public ObjectNode next(ObjectNode eventObject) {
            ObjectNode table = table(resource, Fields.text(eventObject, "apiVersion"), List.of(eventObject),
                    objectListMeta(eventObject), include, !headersSent);
            headersSent = true;
            return table;
        }
    }

    private ObjectNode table(GroupResource resource, String apiVersion, List<ObjectNode> items, ObjectNode metadata,
            IncludeObject include, boolean withHeaders) {
        ResourcePrinter printer = printerOf(resource, apiVersion);
        Instant now = clock.instant();
        ObjectNode table = header(printer, metadata, withHeaders);
        ArrayNode rows = table.putArray("rows");
        for (ObjectNode item : items) {
            rows.add(row(printer, item, now, include));
        }
        return table;
    }

    /** Everything of a Table but its rows, in the reference's field order. */
    private static ObjectNode header(ResourcePrinter printer, ObjectNode metadata, boolean withHeaders) {
        ObjectNode table = JsonNodeFactory.instance.objectNode();
        table.put("kind", "Table");
        table.put("apiVersion", API_VERSION);
        table.set("metadata", metadata);
        if (withHeaders) {
            ArrayNode columns = table.putArray("columnDefinitions");
            printer.columns().forEach(c -> columns.add(c.toJson()));
        } else {
            table.putNull("columnDefinitions");
        }
        return table;
    }

    private static ObjectNode row(ResourcePrinter printer, ObjectNode item, Instant now, IncludeObject include) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        ArrayNode cells = row.putArray("cells");
        for (Object cell : printer.cellsOf(item, now)) {
            addCell(cells, cell);
        }
        ArrayNode conditions = printer.conditions().apply(item);
        if (conditions != null && !conditions.isEmpty()) {
            row.set("conditions", conditions);
        }
        switch (include) {
            case NONE -> row.putNull("object");
            case METADATA -> row.set("object", PartialObjectMetadata.of(item));
            case OBJECT -> row.set("object", item);
        }
        return row;
    }

    private static void addCell(ArrayNode cells, Object cell) {
        switch (cell) {
            case String s -> cells.add(s);
            case Long l -> cells.add(l);
            case Integer i -> cells.add(i.longValue());
            case Boolean b -> cells.add(b);
            case JsonNode n -> cells.add(n);
            default -> throw new IllegalStateException("unsupported cell type " + cell.getClass().getName());
        }
    }

    /** ListMeta as Kubernetes writes it: only the fields that are set. */
    static ObjectNode listMeta(JsonNode source) {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        if (source == null) {
            return meta;
        }
        for (String field : List.of("resourceVersion", "continue")) {
            String value = Fields.text(source, field);
            if (!value.isEmpty()) {
                meta.put(field, value);
            }
        }
        if (source.path("remainingItemCount").isNumber()) {
            meta.put("remainingItemCount", source.path("remainingItemCount").asLong());
        }
        return meta;
    }

    private static ObjectNode objectListMeta(ObjectNode object) {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        String resourceVersion = Fields.text(object, "metadata", "resourceVersion");
        if (!resourceVersion.isEmpty()) {
            meta.put("resourceVersion", resourceVersion);
        }
        return meta;
    }
}
