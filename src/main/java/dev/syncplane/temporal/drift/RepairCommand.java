package dev.syncplane.temporal.drift;

/**
 * Re-check one integration's Schedules against the DB and repair what is really wrong. Runs inside the
 * integration's executor ({@code integration-update:<id>}), under its lock.
 *
 * @param maxIds how many Schedule ids per kind the result lists
 * @param skipStale an update of this integration is propagating: Schedules on an older version are its
 *     work, not drift, and are left to it
 */
public record RepairCommand(String integrationId, String scanId, int maxIds, boolean skipStale) {
  public RepairCommand withSkipStale(boolean skip) {
    return new RepairCommand(integrationId, scanId, maxIds, skip);
  }
}
