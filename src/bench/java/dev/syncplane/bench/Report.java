package dev.syncplane.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

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
      ChartUtils.saveChartAsPNG(png.toFile(), chart(figures, variant), 1600, 900);
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

  /** One bar per figure: its ratio to its baseline, in the target's terms, beside the target's ratio. */
  static JFreeChart chart(List<Figure> figures, String variant) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Figure f : figures) {
      if (Double.isNaN(f.ratio())) {
        continue;
      }
      String label = f.section() + ": " + f.name();
      data.addValue(f.ratio(), "measured ratio to its baseline", label);
      Double target = targetRatio(f);
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

  /** The number inside the target's text ("<= 1.5x …", ">= 5.0x …"), for figures with a ratio target. */
  private static Double targetRatio(Figure f) {
    String t = f.target().replace("(", "");
    if (t.startsWith("<") && !t.contains("x")) {
      return 1.0; // under a limit, or within the budget: the ratio to it must stay below 1
    }
    if (!(t.startsWith("<=") || t.startsWith(">=")) || !t.contains("x")) {
      return null;
    }
    try {
      return Double.parseDouble(t.substring(2, t.indexOf('x')).trim());
    } catch (NumberFormatException notARatio) {
      return null;
    }
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String csv(String s) {
    return s == null ? "" : '"' + s.replace("\"", "\"\"") + '"';
  }
}
