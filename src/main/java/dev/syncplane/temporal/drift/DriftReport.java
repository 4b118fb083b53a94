package dev.syncplane.temporal.drift;

import dev.syncplane.temporal.schedules.DriftKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One drift-repair run. Counts are confirmed repairs (described right before the write, inside the
 * integration's UpdateIntegrationWorkflow), not list suspects.
 *
 * @param trigger PERIODIC, ON_DEMAND (repairNow, the repair Update, POST /api/v1/drift-repair),
 *     INTEGRATION (repairIntegration) or DRY_RUN
 * @param deep whether every Schedule was described (otherwise the list chose the suspects)
 * @param counts confirmed drifts per kind
 * @param repaired Schedules written or deleted
 * @param ids Schedule ids per kind, capped at {@code maxIdsInReport}
 * @param staleLeft Schedules on an older version left to an update that was propagating
 * @param skipped integrations not checked, with the reason (capped)
 * @param errors what failed (capped); the next run tries again
 */
public record DriftReport(
    String scanId,
    String trigger,
    boolean deep,
    Instant startedAt,
    Instant finishedAt,
    long durationMs,
    int integrations,
    int connections,
    int schedulesListed,
    int suspects,
    int schedulesChecked,
    int repaired,
    Map<DriftKind, Integer> counts,
    Map<DriftKind, List<String>> ids,
    int staleLeft,
    List<String> skipped,
    List<String> errors) {

  public static final String PERIODIC = "PERIODIC";
  public static final String ON_DEMAND = "ON_DEMAND";
  public static final String INTEGRATION = "INTEGRATION";
  public static final String DRY_RUN = "DRY_RUN";

  public int count(DriftKind kind) {
    return counts == null ? 0 : counts.getOrDefault(kind, 0);
  }
}
