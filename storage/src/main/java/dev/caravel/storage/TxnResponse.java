package dev.caravel.storage;

import java.util.List;

/**
 * The outcome of a transaction: whether the compares held, the store's revision after it (unchanged
 * when it wrote nothing), and one result per operation of the branch that ran.
 */
public record TxnResponse(boolean succeeded, long revision, List<OpResult> results) {
    public TxnResponse {
        results = List.copyOf(results);
    }
}
