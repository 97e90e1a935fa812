package dev.caravel.storage;

import java.util.List;

/**
 * An atomic transaction, as etcd's TxnRequest: if every compare holds, the success operations run,
 * else the failure operations; either way as one revision. A transaction may not put the same key
 * twice, nor put a key it also deletes (etcd: "duplicate key given in txn request"); deleting a key
 * twice is allowed, as in etcd.
 */
public record TxnRequest(List<Compare> compares, List<Op> success, List<Op> failure) {

    public TxnRequest {
        compares = List.copyOf(compares);
        success = List.copyOf(success);
        failure = List.copyOf(failure);
    }

    public static TxnRequest when(List<Compare> compares, List<Op> success, List<Op> failure) {
        return new TxnRequest(compares, success, failure);
    }

    /** The serialized size etcd would check against its request limit, approximately: keys and values. */
    public long payloadBytes() {
        long total = 0;
        for (Compare compare : compares) {
            total += compare.key().length + 16;
        }
        for (List<Op> ops : List.of(success, failure)) {
            for (Op op : ops) {
                total += switch (op) {
                    case Op.Put put -> put.key().length + put.value().length + 16;
                    case Op.Delete delete -> delete.key().length + (delete.rangeEnd() == null ? 0 : delete.rangeEnd().length) + 8;
                    case Op.Get get -> get.request().key().length + 16;
                };
            }
        }
        return total;
    }
}
