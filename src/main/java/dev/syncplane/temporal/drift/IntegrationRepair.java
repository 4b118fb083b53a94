package dev.syncplane.temporal.drift;

import dev.syncplane.temporal.schedules.DriftKind;
import java.util.List;
import java.util.Map;

/**
 * What UpdateIntegrationWorkflow confirmed (and repaired, unless it was a dry run) for one integration.
 *
 * @param checked Schedules described
 * @param counts confirmed drifts per kind (a Schedule can count under several kinds)
 * @param repaired Schedules written or deleted (or that would be, in a dry run)
 * @param ids the Schedule ids per kind, at most {@code maxIds} each
 * @param staleLeft Schedules on an older version left to the update that is propagating
 * @param skipped why the integration was not checked, or null
 */
public record IntegrationRepair(
    String integrationId,
    int checked,
    Map<DriftKind, Integer> counts,
    int repaired,
    Map<DriftKind, List<String>> ids,
    int staleLeft,
    String skipped) {

  static final String FAILED = "failed: ";

  public static IntegrationRepair skipped(String integrationId, String why) {
    return new IntegrationRepair(integrationId, 0, Map.of(), 0, Map.of(), 0, why);
  }

  /** Not checked because the repair failed; the report lists it under {@code errors}. */
  public static IntegrationRepair failed(String integrationId, String why) {
    return skipped(integrationId, FAILED + why);
  }
}
