package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Kubernetes' list continuation, base64url (no padding) of
 * {@code {"v":"meta.k8s.io/v1","rv":12,"start":"name\u0000"}}: the revision the list is read at
 * and the key (after the list's prefix) the next page starts from. A revision of -1 continues at
 * the latest revision: the token a 410 for a compacted revision offers.
 */
public record ContinueToken(long revision, String start) {

    private static final String VERSION = "meta.k8s.io/v1";
    /** A token continuing "at the latest revision", as Kubernetes encodes it after a compaction. */
    public static final long LATEST = -1;

    /** The token of a page that ended at {@code lastKey}, under {@code prefix}, read at {@code revision}. */
    public static ContinueToken after(String prefix, String lastKey, long revision) {
        return new ContinueToken(revision, lastKey.substring(prefix.length()) + "\u0000");
    }

    /** The first key the continued list reads. */
    public String startKey(String prefix) {
        return prefix + start;
    }

    public String encode() {
        ObjectNode token = JsonNodeFactory.instance.objectNode();
        token.put("v", VERSION);
        token.put("rv", revision);
        token.put("start", start);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a token; a malformed one is a 400 with Kubernetes' words. */
    public static ContinueToken decode(String token) {
        JsonNode node;
        try {
            node = CachedObject.JSON.readTree(Base64.getUrlDecoder().decode(token.replace("=", "")));
        } catch (Exception e) {
            throw invalid("continue key is not valid: " + e.getMessage());
        }
        if (node == null || !VERSION.equals(node.path("v").asText())) {
            throw invalid("continue key is not valid: server does not recognize this encoded key version: "
                    + (node == null ? "" : node.path("v").asText()));
        }
        long revision = node.path("rv").asLong(0);
        if (revision == 0 || revision < LATEST) {
            throw invalid("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
        String start = node.path("start").asText("");
        if (start.isEmpty()) {
            throw invalid("continue key is not valid: encoded start key empty (version meta.k8s.io/v1)");
        }
        // A start that climbs out of the list's prefix would read another resource's keys.
        if (start.startsWith("/") || start.contains("..") || start.contains("//")) {
            throw invalid("continue key is not valid: " + start);
        }
        return new ContinueToken(revision, start);
    }

    private static StatusException invalid(String why) {
        return StatusException.badRequest("invalid continue token: " + why);
    }
}
