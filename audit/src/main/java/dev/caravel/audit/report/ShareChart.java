package dev.caravel.audit.report;

import dev.caravel.audit.analysis.AnalysisReport;
import dev.caravel.audit.analysis.GroupSummary;
import dev.caravel.audit.analysis.ShareTimeline;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the "share of query time over time" chart shows, independent of how it is drawn: the
 * picture from the incident's talk, in which one user's band filled half the chart. The PNG and
 * the HTML page draw the same model, so they cannot disagree.
 *
 * <p>Each band is one group's share of the query time in each time bucket, stacked in rank order
 * from the bottom, the top groups then "others"; where nothing ran the stack is empty. Bands are
 * drawn as steps, one flat segment per bucket, since a bucket's share is an average over it.
 */
final class ShareChart {

    /** Ten bands is about as many as a legend lets one tell apart; the rest go into "others". */
    static final int MAX_BANDS = 10;

    /** Colour-blind-friendly categorical colours (Okabe-Ito order, then a few more), "others" in grey. */
    static final int[] PALETTE = {
        0xD55E00, 0x0072B2, 0x009E73, 0xE69F00, 0xCC79A7, 0x56B4E9, 0xF0E442, 0x000000, 0x8C564B, 0x7F3C8D,
    };
    static final int OTHERS_COLOUR = 0xB0B0B0;

    record Band(String label, double totalShare, int rgb, double[] shares) {
    }

    record Tick(double fraction, String label) {
    }

    final String title;
    final String subtitle;
    final List<Band> bands;
    final List<Tick> timeTicks;
    final int buckets;

    private ShareChart(String title, String subtitle, List<Band> bands, List<Tick> timeTicks, int buckets) {
        this.title = title;
        this.subtitle = subtitle;
        this.bands = bands;
        this.timeTicks = timeTicks;
        this.buckets = buckets;
    }

    static ShareChart of(AnalysisReport report, int top) {
        int bandCount = Math.min(top <= 0 ? MAX_BANDS : top, MAX_BANDS);
        List<GroupSummary> ranked = report.groups().stream().filter(g -> g.requests() > 0).limit(bandCount).toList();
        ShareTimeline timeline = report.timeline();
        double[][] rows = timeline.sharesOf(ranked.stream().map(GroupSummary::key).toList());
        List<Band> bands = new ArrayList<>();
        double listed = 0;
        for (int i = 0; i < ranked.size(); i++) {
            GroupSummary g = ranked.get(i);
            bands.add(new Band(g.key(), g.share(), PALETTE[i % PALETTE.length], rows[i]));
            listed += g.share();
        }
        long unlisted = report.groups().stream().filter(g -> g.requests() > 0).count() - ranked.size();
        if (unlisted > 0) {
            bands.add(new Band("others (" + unlisted + ")", Math.max(0, 1 - listed), OTHERS_COLOUR,
                    rows[ranked.size()]));
        }
        String by = report.groupBy().optionName();
        String title = "Share of API server query time by " + by;
        String subtitle = Formats.instant(report.windowStartMicros()) + " to " + Formats.instant(report.windowEndMicros())
                + ", " + Formats.count(report.totals().requests()) + " requests, "
                + Formats.seconds(report.totals().querySeconds()) + " of query time, buckets of "
                + Formats.duration(timeline.bucketMicros() / 1e6) + ". Watches and other long-running requests excluded.";
        return new ShareChart(title, subtitle, bands, ticks(timeline), timeline.bucketCount());
    }

    /** Time ticks on round instants, at most about eight, placed as fractions of the chart's width. */
    private static List<Tick> ticks(ShareTimeline t) {
        long start = t.startMicros();
        long span = t.bucketMicros() * t.bucketCount();
        long step = ShareTimeline.chooseBucketMicros(span, 8);
        boolean days = span > 86_400_000_000L;
        DateTimeFormatter format = DateTimeFormatter.ofPattern(
                days ? "MM-dd HH:mm" : step < 60_000_000L ? "HH:mm:ss" : "HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
        List<Tick> ticks = new ArrayList<>();
        for (long at = Math.ceilDiv(start, step) * step; at <= start + span; at += step) {
            ticks.add(new Tick((double) (at - start) / span,
                    format.format(dev.caravel.audit.event.MicroTimestamp.toInstant(at))));
        }
        return ticks;
    }

    /**
     * The outline of band {@code index} as (x, y) pairs in [0,1]², y up from 0 at the bottom:
     * the band's top edge left to right, then its bottom edge right to left.
     */
    double[] outline(int index) {
        double[] lower = new double[buckets];
        for (int i = 0; i < index; i++) {
            double[] s = bands.get(i).shares;
            for (int b = 0; b < buckets; b++) {
                lower[b] += s[b];
            }
        }
        double[] own = bands.get(index).shares;
        double[] points = new double[buckets * 8];
        int p = 0;
        for (int b = 0; b < buckets; b++) {
            double top = Math.min(1, lower[b] + own[b]);
            points[p++] = (double) b / buckets;
            points[p++] = top;
            points[p++] = (double) (b + 1) / buckets;
            points[p++] = top;
        }
        for (int b = buckets - 1; b >= 0; b--) {
            points[p++] = (double) (b + 1) / buckets;
            points[p++] = Math.min(1, lower[b]);
            points[p++] = (double) b / buckets;
            points[p++] = Math.min(1, lower[b]);
        }
        return points;
    }

    String legendLabel(Band band, int maxChars) {
        return Formats.shorten(band.label(), maxChars) + "  " + Formats.percent(band.totalShare());
    }
}
