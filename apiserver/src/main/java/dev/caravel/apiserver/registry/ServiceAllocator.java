package dev.caravel.apiserver.registry;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.StorageException;

import java.security.SecureRandom;
import java.util.Set;

/**
 * Cluster IPs in 10.96.0.0/12 (kube-apiserver's default service-cluster-ip-range) and node ports
 * in 30000-32767, each held by one key in the store: {@code /registry/serviceallocations/ips/10.96.12.7},
 * {@code /registry/serviceallocations/nodeports/30080}.
 *
 * <p>Why a key per value and not Kubernetes' bitmap or an in-memory set: the key is written in
 * the same transaction as the Service, guarded by "absent" (see {@link ResourceStrategy#reservations}),
 * so two concurrent creates can never both hold a value, a failed create holds nothing, a delete
 * frees it in the transaction that removes the Service, and a restart needs no rebuild. A bitmap
 * would put every create in the cluster on one contended key; an in-memory set is wrong as soon as
 * two servers share the store. This class only proposes values; the transaction decides.
 */
final class ServiceAllocator {

    static final String IP_PREFIX = "/registry/serviceallocations/ips/";
    static final String NODE_PORT_PREFIX = "/registry/serviceallocations/nodeports/";
    static final String RANGE = "10.96.0.0/12";
    static final int NODE_PORT_MIN = 30000;
    static final int NODE_PORT_MAX = 32767;

    /** 10.96.0.0 as an unsigned int; the /12 holds 2^20 addresses. */
    private static final long BASE = (10L << 24) | (96L << 16);
    private static final long SIZE = 1L << 20;
    /** The first usable address, kept for the {@code kubernetes} Service in {@code default}. */
    static final String KUBERNETES_SERVICE_IP = "10.96.0.1";
    /** Random probes before we call the range full: at 90% use, 64 probes all fail with odds 0.9^64 ~ 0.1%. */
    private static final int PROBES = 64;

    private final KeyValueStore kv;
    private final SecureRandom random = new SecureRandom();

    ServiceAllocator(KeyValueStore kv) {
        this.kv = kv;
    }

    /** Whether {@code ip} is a usable address of the range (not the network or broadcast address). */
    static boolean inRange(String ip) {
        long value = parse(ip);
        return value > BASE && value < BASE + SIZE - 1;
    }

    boolean ipTaken(String ip) {
        return taken(IP_PREFIX + ip);
    }

    boolean nodePortTaken(long port) {
        return taken(NODE_PORT_PREFIX + port);
    }

    /** A free address other than the kubernetes Service's, or null when probing found none. */
    String freeIp() {
        for (int i = 0; i < PROBES; i++) {
            // offsets 2 .. SIZE-2: skip the network address, 10.96.0.1 and the broadcast address.
            String ip = format(BASE + 2 + random.nextLong(SIZE - 3));
            if (!ipTaken(ip)) {
                return ip;
            }
        }
        return null;
    }

    /** A free node port not in {@code exclude} (the ports this Service already holds), or -1. */
    int freeNodePort(Set<Long> exclude) {
        for (int i = 0; i < PROBES; i++) {
            int port = NODE_PORT_MIN + random.nextInt(NODE_PORT_MAX - NODE_PORT_MIN + 1);
            if (!exclude.contains((long) port) && !nodePortTaken(port)) {
                return port;
            }
        }
        return -1;
    }

    private boolean taken(String key) {
        try {
            return kv.get(ByteKeys.utf8(key)) != null;
        } catch (StorageException e) {
            throw dev.caravel.apiserver.api.StatusException.internalError(e);
        }
    }

    /** The address as an unsigned int, or -1 when it is not a dotted IPv4 address. */
    static long parse(String ip) {
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                return -1;
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    static String format(long value) {
        return ((value >> 24) & 255) + "." + ((value >> 16) & 255) + "." + ((value >> 8) & 255) + "." + (value & 255);
    }
}
