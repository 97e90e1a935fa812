package dev.caravel.apiserver.discovery;

import dev.caravel.apiserver.api.StatusException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The forms a discovery document can take, and which one an {@code Accept} header asks for.
 *
 * <p>client-go (kubectl, helm) asks {@code /api} and {@code /apis} for
 * {@code application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
 * application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json}
 * (with the protobuf forms of the same first when configured for protobuf) and takes whatever
 * comes back by its Content-Type: an aggregated list, or the legacy documents it then follows
 * group by group. The first acceptable range wins, after sorting by {@code q}; protobuf ranges
 * are passed over since Caravel writes discovery in JSON only, and the JSON alternative that
 * client-go always lists is taken instead.
 */
public enum DiscoveryFormat {

    /** APIVersions, APIGroupList, APIGroup and APIResourceList, as {@code application/json}. */
    LEGACY("application/json", null),
    /** apidiscovery.k8s.io/v2 APIGroupDiscoveryList, GA since 1.30. */
    AGGREGATED_V2("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList", "v2"),
    /** apidiscovery.k8s.io/v2beta1: the same shape, still asked for by clients of 1.26 to 1.29. */
    AGGREGATED_V2BETA1("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList", "v2beta1");

    private final String contentType;
    private final String discoveryVersion;

    DiscoveryFormat(String contentType, String discoveryVersion) {
        this.contentType = contentType;
        this.discoveryVersion = discoveryVersion;
    }

    /** The Content-Type a document of this form is sent with. */
    public String contentType() {
        return contentType;
    }

    /** {@code apidiscovery.k8s.io/v2} or {@code .../v2beta1}; empty for legacy documents. */
    Optional<String> apiVersion() {
        return Optional.ofNullable(discoveryVersion).map(v -> "apidiscovery.k8s.io/" + v);
    }

    /**
     * The form to answer in, for a document that exists in the legacy form and, when
     * {@code aggregatedToo}, in the aggregated forms.
     *
     * @throws StatusException 406 Not Acceptable when no range of the header fits
     */
    static DiscoveryFormat choose(String accept, boolean aggregatedToo) {
        if (accept == null || accept.isBlank()) {
            return LEGACY;
        }
        for (MediaRange range : MediaRange.parseSorted(accept)) {
            if (range.as != null) {
                if (aggregatedToo && range.isJsonType() && range.as.equals("APIGroupDiscoveryList")
                        && "apidiscovery.k8s.io".equals(range.g)) {
                    if ("v2".equals(range.v)) {
                        return AGGREGATED_V2;
                    }
                    if ("v2beta1".equals(range.v)) {
                        return AGGREGATED_V2BETA1;
                    }
                }
                continue; // a Table, PartialObjectMetadata or an unknown discovery version
            }
            if (range.isJsonType() || range.type.equals("*/*") || range.type.equals("application/*")) {
                return LEGACY;
            }
        }
        List<String> offered = aggregatedToo
                ? List.of(AGGREGATED_V2.contentType, AGGREGATED_V2BETA1.contentType, LEGACY.contentType)
                : List.of(LEGACY.contentType);
        throw StatusException.notAcceptable(offered);
    }

    /** One range of an Accept header, with the parameters discovery looks at. */
    private record MediaRange(String type, String g, String v, String as, double q, int position) {

        boolean isJsonType() {
            return type.equals("application/json");
        }

        static List<MediaRange> parseSorted(String accept) {
            List<MediaRange> ranges = new ArrayList<>();
            String[] parts = accept.split(",");
            for (int i = 0; i < parts.length; i++) {
                String[] fields = parts[i].split(";");
                String type = fields[0].trim().toLowerCase(Locale.ROOT);
                if (type.isEmpty()) {
                    continue;
                }
                String g = null;
                String v = null;
                String as = null;
                double q = 1.0;
                for (int f = 1; f < fields.length; f++) {
                    int eq = fields[f].indexOf('=');
                    if (eq < 0) {
                        continue;
                    }
                    String name = fields[f].substring(0, eq).trim().toLowerCase(Locale.ROOT);
                    String value = fields[f].substring(eq + 1).trim();
                    switch (name) {
                        case "g" -> g = value;
                        case "v" -> v = value;
                        case "as" -> as = value;
                        case "q" -> q = quality(value);
                        default -> { }
                    }
                }
                if (q > 0) {
                    ranges.add(new MediaRange(type, g, v, as, q, i));
                }
            }
            ranges.sort(Comparator.comparingDouble(MediaRange::q).reversed().thenComparingInt(MediaRange::position));
            return ranges;
        }

        private static double quality(String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
