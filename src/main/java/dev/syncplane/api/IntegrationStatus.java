package dev.syncplane.api;

/**
 * {@code GET /api/v1/integrations/{id}/status}: the DB's desired version against the Schedules' actual
 * state, so that a portal can show "propagating 730/1000" and then "in sync".
 *
 * @param inSync every connection's Schedule carries the desired config
 * @param activeUpdate the newest change still propagating, or null
 * @param updateRunsUiUrl the Temporal UI's list of this integration's update runs (its passes, drift repairs, delete)
 */
public record IntegrationStatus(
    String integrationId,
    long desiredVersion,
    boolean inSync,
    ScheduleCounts schedules,
    UpdateView activeUpdate,
    String updateRunsUiUrl) {

  /**
   * @param total connections in the DB (each must have one Schedule)
   * @param stale Schedules on an older config version (an update on its way)
   * @param drifted Schedules that differ from the config of the version they carry
   */
  public record ScheduleCounts(int total, int inSync, int stale, int missing, int drifted) {}
}
