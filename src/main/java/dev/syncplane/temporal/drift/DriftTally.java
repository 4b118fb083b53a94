package dev.syncplane.temporal.drift;

import dev.syncplane.temporal.schedules.DriftKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Adds up per-integration results into one report. Deterministic: used inside the workflow. */
public final class DriftTally {
  private static final int MAX_MESSAGES = 20;

  private final int maxIds;
  private final Map<DriftKind, Integer> counts = new EnumMap<>(DriftKind.class);
  private final Map<DriftKind, List<String>> ids = new EnumMap<>(DriftKind.class);
  private final List<String> skipped = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private ScanResult scan = new ScanResult(List.of(), 0, 0, 0);
  private int checked;
  private int repaired;
  private int staleLeft;

  public DriftTally(int maxIds) {
    this.maxIds = maxIds;
    for (DriftKind kind : DriftKind.values()) {
      counts.put(kind, 0);
      ids.put(kind, new ArrayList<>());
    }
  }

  public DriftTally scanned(ScanResult result) {
    this.scan = result;
    if (result.suspectsFound() > result.suspects().size()) {
      note(skipped, (result.suspectsFound() - result.suspects().size()) + " suspect integrations wait for the next run");
    }
    return this;
  }

  public DriftTally add(IntegrationRepair r) {
    if (r.skipped() != null) {
      note(r.skipped().startsWith(IntegrationRepair.FAILED) ? errors : skipped, r.integrationId() + ": " + r.skipped());
      return this;
    }
    checked += r.checked();
    repaired += r.repaired();
    staleLeft += r.staleLeft();
    r.counts().forEach((kind, n) -> counts.merge(kind, n, Integer::sum));
    r.ids().forEach((kind, list) -> {
      List<String> into = ids.get(kind);
      for (String id : list) {
        if (into.size() < maxIds) {
          into.add(id);
        }
      }
    });
    return this;
  }

  public DriftTally error(String message) {
    note(errors, message);
    return this;
  }

  public DriftReport report(String scanId, String trigger, boolean deep, Instant startedAt, Instant finishedAt) {
    return new DriftReport(
        scanId, trigger, deep, startedAt, finishedAt, finishedAt.toEpochMilli() - startedAt.toEpochMilli(),
        scan.integrations(), scan.connections(), scan.schedulesListed(), scan.suspectsFound(),
        checked, repaired, new EnumMap<>(counts), new EnumMap<>(ids), staleLeft,
        List.copyOf(skipped), List.copyOf(errors));
  }

  private static void note(List<String> into, String message) {
    if (into.size() < MAX_MESSAGES) {
      into.add(message);
    }
  }
}
