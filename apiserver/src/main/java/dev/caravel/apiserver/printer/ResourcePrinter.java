package dev.caravel.apiserver.printer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * How one resource prints as a Table: its columns and the function from an object to its cells.
 * {@code conditions} gives a row's TableRowConditions (only pods have any: a finished pod's row
 * is marked Completed), or null.
 */
public record ResourcePrinter(List<TableColumn> columns, RowPrinter rows, Function<ObjectNode, ArrayNode> conditions) {

    public ResourcePrinter {
        columns = List.copyOf(columns);
        Objects.requireNonNull(rows, "rows");
        conditions = conditions == null ? object -> null : conditions;
    }

    public ResourcePrinter(List<TableColumn> columns, RowPrinter rows) {
        this(columns, rows, null);
    }

    /** The cells of an object, checked against the column count so a printer bug fails loudly here. */
    List<Object> cellsOf(ObjectNode object, Instant now) {
        List<Object> cells = rows.cells(object, now);
        if (cells.size() != columns.size()) {
            throw new IllegalStateException("printer for columns " + columns.stream().map(TableColumn::name).toList()
                    + " produced " + cells.size() + " cells");
        }
        return cells;
    }
}
