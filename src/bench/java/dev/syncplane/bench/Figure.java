package dev.syncplane.bench;

/**
 * One line of the benchmark's table: a figure measured for syncplane beside its baseline, measured in
 * the same run, and the target the ratio must meet.
 *
 * @param ratio how the figure compares with its baseline, in the target's own terms (for "at most 1.5x the
 *     floor" it is value / baseline; for "at least 5x faster" it is baseline / value)
 * @param met whether the target holds; null when the line only informs
 */
public record Figure(
    String section,
    String name,
    double value,
    String unit,
    String baselineName,
    double baseline,
    double ratio,
    String target,
    Boolean met,
    String note) {

  /** syncplane may take at most {@code limit} times the baseline. */
  static Figure atMost(String section, String name, double value, String unit, String baselineName, double baseline, double limit, String note) {
    double ratio = value / baseline;
    return new Figure(section, name, value, unit, baselineName, baseline, ratio, "<= " + limit + "x " + baselineName, ratio <= limit, note);
  }

  /**
   * syncplane may take at most {@code limit} times the baseline plus {@code allowanceMs} (a fixed cost, e.g. what
   * a PUT and a status read add, that a small baseline cannot absorb); the ratio stays value / baseline.
   */
  static Figure atMostPlus(String section, String name, double value, String unit, String baselineName, double baseline,
      double limit, double allowance, String note) {
    double ratio = value / baseline;
    return new Figure(section, name, value, unit, baselineName, baseline, ratio,
        "<= " + limit + "x " + baselineName + " + " + fmt(allowance) + " " + unit, value <= limit * baseline + allowance, note);
  }

  /** The ratio the target allows: for {@link #atMostPlus}, limit + allowance / baseline; null without a ratio target. */
  Double targetRatio() {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("^\\(?(<=|>=) ([0-9.]+)x [^+]*?(?:\\+ ([0-9.]+) " + java.util.regex.Pattern.quote(unit) + ")?(?:[:)]|$)")
        .matcher(target);
    if (m.find()) {
      double r = Double.parseDouble(m.group(2));
      return m.group(3) == null ? r : r + Double.parseDouble(m.group(3)) / baseline;
    }
    String t = target.replace("(", "");
    return t.startsWith("<") ? 1.0 : null; // under a limit, or within the budget: the ratio to it must stay below 1
  }

  /** syncplane must be at least {@code factor} times faster than the baseline. */
  static Figure fasterBy(String section, String name, double value, String unit, String baselineName, double baseline, double factor, String note) {
    double ratio = baseline / value;
    return new Figure(section, name, value, unit, baselineName, baseline, ratio, ">= " + factor + "x faster than " + baselineName, ratio >= factor, note);
  }

  /** A figure with a fixed limit as its baseline (history events, MiB, RPC/s). */
  static Figure underLimit(String section, String name, double value, String unit, String limitName, double limit, String note) {
    return new Figure(section, name, value, unit, limitName, limit, value / limit, "< " + fmt(limit) + " " + unit, value < limit, note);
  }

  static Figure info(String section, String name, double value, String unit, String baselineName, double baseline, String note) {
    return new Figure(section, name, value, unit, baselineName, baseline, baseline == 0 ? Double.NaN : value / baseline, "", null, note);
  }

  /** The same comparison, shown without a verdict: its target is set at another size. */
  Figure informational(String why) {
    return new Figure(section, name, value, unit, baselineName, baseline, ratio, "(" + target + ": " + why + ")", null, note);
  }

  String verdict() {
    return met == null ? "" : met ? "MET" : "MISSED";
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return String.format("%d", (long) v);
    }
    return Math.abs(v) >= 100 ? String.format("%.0f", v) : Math.abs(v) >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
  }
}
