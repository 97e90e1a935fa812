package dev.caravel.audit.report;

import dev.caravel.audit.analysis.AnalysisReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Locale;

/**
 * A self-contained HTML page: the share chart as inline SVG, the tables, and the whole JSON report
 * in a script element for anyone who wants to replot it. No scripts run and nothing is fetched,
 * so the page can be mailed, attached to an incident, or opened offline.
 */
public final class ShareChartHtml {

    private static final int W = 1000;
    private static final int H = 460;
    private static final int LEFT = 56;
    private static final int TOP = 16;
    private static final int BOTTOM = 44;
    private static final int RIGHT = 16;

    private ShareChartHtml() {
    }

    public static void write(AnalysisReport report, int top, Writer out) throws IOException {
        ShareChart chart = ShareChart.of(report, top);
        StringWriter table = new StringWriter();
        TableReport.write(report, top, new PrintWriter(table));
        StringWriter json = new StringWriter();
        JsonReport.write(report, top, json);

        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(chart.title)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222;max-width:1200px}\n")
                .append("h1{font-size:20px;margin:0 0 4px}p.sub{color:#555;margin:0 0 16px;font-size:14px}\n")
                .append(".legend{list-style:none;padding:0;margin:8px 0 24px;columns:2;font-size:14px}\n")
                .append(".legend li{margin:3px 0}.sw{display:inline-block;width:12px;height:12px;margin-right:8px;vertical-align:-1px}\n")
                .append("pre{background:#f6f6f6;padding:12px;overflow-x:auto;font-size:12.5px;line-height:1.35}\n")
                .append("svg text{font-size:12px;fill:#222}\n</style>\n</head>\n<body>\n");
        h.append("<h1>").append(escape(chart.title)).append("</h1>\n");
        h.append("<p class=\"sub\">").append(escape(chart.subtitle)).append("</p>\n");
        svg(chart, h);
        h.append("<ul class=\"legend\">\n");
        for (ShareChart.Band band : chart.bands) {
            h.append("<li><span class=\"sw\" style=\"background:").append(hex(band.rgb())).append("\"></span>")
                    .append(escape(band.label())).append(" &mdash; ").append(Formats.percent(band.totalShare()))
                    .append("</li>\n");
        }
        h.append("</ul>\n<h2 style=\"font-size:16px\">Figures</h2>\n<pre>").append(escape(table.toString()))
                .append("</pre>\n");
        h.append("<script type=\"application/json\" id=\"report\">\n")
                // "</" cannot appear inside a script element's text; JSON allows "<\/".
                .append(json.toString().replace("</", "<\\/"))
                .append("\n</script>\n</body>\n</html>\n");
        out.write(h.toString());
        out.flush();
    }

    private static void svg(ShareChart chart, StringBuilder h) {
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" width=\"100%\" role=\"img\" aria-label=\"").append(escape(chart.title)).append("\">\n");
        for (int i = 0; i < chart.bands.size(); i++) {
            ShareChart.Band band = chart.bands.get(i);
            double[] p = chart.outline(i);
            h.append("<path fill=\"").append(hex(band.rgb())).append("\" d=\"");
            for (int k = 0; k < p.length; k += 2) {
                h.append(k == 0 ? 'M' : 'L')
                        .append(String.format(Locale.ROOT, "%.1f %.1f", LEFT + p[k] * plotW, TOP + (1 - p[k + 1]) * plotH));
            }
            h.append("Z\"><title>").append(escape(band.label())).append(' ')
                    .append(Formats.percent(band.totalShare())).append("</title></path>\n");
        }
        for (int pct = 0; pct <= 100; pct += 25) {
            double y = TOP + (1 - pct / 100.0) * plotH;
            h.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#000\" stroke-opacity=\"0.15\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>\n",
                    LEFT, y, LEFT + plotW, y, LEFT - 6, y + 4, pct));
        }
        h.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#000\"/>\n",
                LEFT, TOP, plotW, plotH));
        for (ShareChart.Tick tick : chart.timeTicks) {
            double x = LEFT + tick.fraction() * plotW;
            h.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    x, TOP + plotH, x, TOP + plotH + 5, x, TOP + plotH + 19, escape(tick.label())));
        }
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (UTC)</text>\n",
                LEFT + plotW / 2, H - 6));
        if (chart.bands.isEmpty()) {
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">No requests in the window.</text>\n",
                    LEFT + plotW / 2, TOP + plotH / 2));
        }
        h.append("</svg>\n");
    }

    private static String hex(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb);
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
