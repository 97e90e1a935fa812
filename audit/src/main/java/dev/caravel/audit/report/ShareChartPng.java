package dev.caravel.audit.report;

import dev.caravel.audit.analysis.AnalysisReport;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.ImageIO;

/** Draws the share chart as a PNG with Java2D, headless: no display is needed on a server. */
public final class ShareChartPng {

    static final int WIDTH = 1480;
    static final int HEIGHT = 720;
    private static final int LEFT = 70;
    private static final int TOP = 80;
    private static final int BOTTOM = 60;
    private static final int LEGEND_WIDTH = 540;

    private ShareChartPng() {
    }

    public static void write(AnalysisReport report, int top, OutputStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ShareChart chart = ShareChart.of(report, top);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(chart, g);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    private static void draw(ShareChart chart, Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);

        int plotW = WIDTH - LEFT - LEGEND_WIDTH - 30;
        int plotH = HEIGHT - TOP - BOTTOM;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString(chart.title, LEFT, 32);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(0x444444));
        g.drawString(chart.subtitle, LEFT, 56);

        for (int i = 0; i < chart.bands.size(); i++) {
            double[] p = chart.outline(i);
            Path2D.Double path = new Path2D.Double();
            for (int k = 0; k < p.length; k += 2) {
                double x = LEFT + p[k] * plotW;
                double y = TOP + (1 - p[k + 1]) * plotH;
                if (k == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
            }
            path.closePath();
            g.setColor(new Color(chart.bands.get(i).rgb()));
            g.fill(path);
        }

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (int pct = 0; pct <= 100; pct += 25) {
            int y = TOP + (int) Math.round((1 - pct / 100.0) * plotH);
            g.setColor(new Color(0, 0, 0, 40));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.BLACK);
            String label = pct + "%";
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        for (ShareChart.Tick tick : chart.timeTicks) {
            int x = LEFT + (int) Math.round(tick.fraction() * plotW);
            g.drawLine(x, TOP + plotH, x, TOP + plotH + 5);
            g.drawString(tick.label(), x - fm.stringWidth(tick.label()) / 2, TOP + plotH + 20);
        }
        g.drawString("time (UTC)", LEFT + plotW / 2 - fm.stringWidth("time (UTC)") / 2, TOP + plotH + 42);

        int legendX = LEFT + plotW + 30;
        int y = TOP + 4;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString("Share of all query time", legendX, y + 10);
        y += 28;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        // Listed top first, as in the table, while the bands stack from the bottom.
        for (ShareChart.Band band : chart.bands) {
            g.setColor(new Color(band.rgb()));
            g.fillRect(legendX, y - 11, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(chart.legendLabel(band, 60), legendX + 22, y);
            y += 24;
        }
        if (chart.bands.isEmpty()) {
            g.drawString("No requests in the window.", legendX, y);
        }
    }
}
