package dev.syncplane.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The benchmark's outputs: the table on stdout, {@code bench.csv} and {@code bench.png}. */
final class Report {
  private static final String[] HEADER = {"section", "figure", "syncplane", "baseline", "ratio", "target", "verdict"};

  static void table(List<Figure> figures, PrintStream out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Figure f : figures) {
      rows.add(new String[] {
          f.section(), f.name(), Figure.fmt(f.value()) + " " + f.unit(),
          f.baselineName() + " " + Figure.fmt(f.baseline()) + " " + f.unit(),
          Figure.fmt(f.ratio()) + "x", f.target(), f.verdict()});
    }
    int[] width = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    out.println();
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < HEADER.length; i++) {
        line.append(String.format("%-" + width[i] + "s", rows.get(r)[i])).append(i < HEADER.length - 1 ? " | " : "");
      }
      out.println(line.toString().stripTrailing());
      if (r == 0) {
        out.println("-".repeat(line.length()));
      }
    }
    out.println();
    out.flush();
  }

  /** {@code variant}: how the run differs from a plain {@code bin/bench} ("--quick", "--set …"), or empty. */
  static void write(List<Figure> figures, Path dir, Duration took, String variant) {
    try {
      Files.createDirectories(dir);
      Path csv = dir.resolve("bench.csv");
      List<String> lines = new ArrayList<>();
      lines.add("section,figure,value,unit,baseline_name,baseline,ratio,target,verdict,note");
      for (Figure f : figures) {
        lines.add(String.join(",", csv(f.section()), csv(f.name()), num(f.value()), csv(f.unit()), csv(f.baselineName()),
            num(f.baseline()), num(f.ratio()), csv(f.target()), f.verdict(), csv(f.note())));
      }
      Files.write(csv, lines);
      Path png = dir.resolve("bench.png");
      javax.imageio.ImageIO.write(image(figures, variant), "png", png.toFile());
      table(figures, System.out);
      long met = figures.stream().filter(f -> Boolean.TRUE.equals(f.met())).count();
      long missed = figures.stream().filter(f -> Boolean.FALSE.equals(f.met())).count();
      System.out.println("targets met: " + met + ", missed: " + missed + (variant.isEmpty() ? "" : " (" + variant + ")")
          + "; took " + took.toMinutes() + " min " + took.toSecondsPart() + " s");
      System.out.println("wrote " + csv + " and " + png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * bench.png: on top, propagation against N (syncplane, the raw floor, the sequential loop and the target), when
   * the run measured it; below, every figure's ratio to its baseline.
   */
  static BufferedImage image(List<Figure> figures, String variant) {
    JFreeChart ratios = chart(figures, variant);
    JFreeChart propagation = propagationChart(figures, variant);
    int width = 1600, ratiosHeight = 900, propagationHeight = propagation == null ? 0 : 700;
    BufferedImage image = new BufferedImage(width, propagationHeight + ratiosHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    if (propagation != null) {
      propagation.draw(g, new Rectangle2D.Double(0, 0, width, propagationHeight));
    }
    ratios.draw(g, new Rectangle2D.Double(0, propagationHeight, width, ratiosHeight));
    g.dispose();
    return image;
  }

  private static final Pattern PROPAGATION_N = Pattern.compile("^N=(\\d+): (PUT until every Schedule carries it|against the naive sequential loop)$");

  /** Propagation time against N, log-log: syncplane, the raw floor, the sequential loop, the target; null if not run. */
  static JFreeChart propagationChart(List<Figure> figures, String variant) {
    XYSeries syncplane = new XYSeries("syncplane: PUT until every Schedule carries it");
    XYSeries floor = new XYSeries("raw floor: N bare UpdateSchedule calls");
    XYSeries sequential = new XYSeries("naive sequential loop");
    XYSeries target = new XYSeries("target: 1.5x floor + 100 ms");
    for (Figure f : figures) {
      Matcher m = PROPAGATION_N.matcher(f.name());
      if (!f.section().equals("propagation") || !m.matches()) {
        continue;
      }
      int n = Integer.parseInt(m.group(1));
      if (m.group(2).startsWith("PUT")) {
        syncplane.add(n, f.value());
        floor.add(n, f.baseline());
        Double allowed = f.targetRatio();
        if (allowed != null) {
          target.add(n, allowed * f.baseline());
        }
      } else {
        sequential.add(n, f.baseline());
      }
    }
    if (syncplane.isEmpty()) {
      return null;
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(syncplane);
    data.addSeries(floor);
    data.addSeries(sequential);
    data.addSeries(target);
    JFreeChart chart = ChartFactory.createXYLineChart(
        "propagation" + (variant.isEmpty() ? "" : " " + variant) + ": from the PUT until every Schedule carries it (median)",
        "N, Schedules of the integration", "seconds", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    LogarithmicAxis x = new LogarithmicAxis("N, Schedules of the integration (log)");
    x.setExpTickLabelsFlag(false);
    x.setLog10TickLabelsFlag(false);
    plot.setDomainAxis(x);
    LogarithmicAxis y = new LogarithmicAxis("seconds (log)");
    y.setLog10TickLabelsFlag(false);
    y.setAllowNegativesFlag(false);
    plot.setRangeAxis(y);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    Color[] colors = {new Color(0x2b6cb0), new Color(0x38a169), new Color(0xc53030), new Color(0xa0aec0)};
    for (int i = 0; i < colors.length; i++) {
      renderer.setSeriesPaint(i, colors[i]);
      renderer.setSeriesStroke(i, new BasicStroke(i == 3 ? 1.5f : 2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND,
          1f, i == 3 ? new float[] {6f, 6f} : null, 0f));
    }
    renderer.setSeriesShapesVisible(3, false);
    plot.setRenderer(renderer);
    return chart;
  }

  /** One bar per figure: its ratio to its baseline, in the target's terms, beside the target's ratio. */
  static JFreeChart chart(List<Figure> figures, String variant) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Figure f : figures) {
      if (Double.isNaN(f.ratio())) {
        continue;
      }
      String label = f.section() + ": " + f.name();
      data.addValue(f.ratio(), "measured ratio to its baseline", label);
      Double target = f.targetRatio();
      if (target != null) {
        data.addValue(target, "target ratio (" + (f.target().startsWith(">=") ? "at least" : "at most") + ")", label);
      }
    }
    JFreeChart chart = ChartFactory.createBarChart(
        "syncplane bin/bench" + (variant.isEmpty() ? "" : " " + variant) + ": each figure over its baseline, same run",
        null, "ratio (x)", data, PlotOrientation.HORIZONTAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
    plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(0.5f);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setSeriesPaint(0, new Color(0x2b6cb0));
    renderer.setSeriesPaint(1, new Color(0xa0aec0));
    renderer.setSeriesOutlineStroke(1, new BasicStroke(1f));
    return chart;
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String csv(String s) {
    return s == null ? "" : '"' + s.replace("\"", "\"\"") + '"';
  }
}
