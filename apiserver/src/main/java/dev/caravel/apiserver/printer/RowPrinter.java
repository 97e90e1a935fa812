package dev.caravel.apiserver.printer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The cells of one object's row, one per column of its {@link ResourcePrinter}, priority 1
 * columns included. A cell is a String, a Long/Integer (integer columns) or a Boolean, as the
 * Go printers put them; types matter because clients see JSON numbers and booleans.
 */
@FunctionalInterface
public interface RowPrinter {
    List<Object> cells(ObjectNode object, Instant now);
}
