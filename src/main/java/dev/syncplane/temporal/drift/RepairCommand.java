package dev.syncplane.temporal.drift;

import java.util.List;

/**
 * Re-check one integration's Schedules against the DB and repair what is really wrong. Runs inside the
 * integration's UpdateIntegrationWorkflow ({@code integration-update:<id>}), under its lock.
 *
 * @param maxIds how many Schedule ids per kind the result lists
 * @param skipStale an update of this integration is propagating: Schedules on an older version are its
 *     work, not drift, and are left to it
 * @param customerIds the customers whose Schedules the list-based scan suspects (drifted, missing or
 *     orphan): only those are described. Null = every Schedule of the integration (a deep check, or more
 *     suspects than {@link #MAX_CUSTOMERS}).
 */
public record RepairCommand(String integrationId, String scanId, int maxIds, boolean skipStale, List<String> customerIds) {
  /**
   * Suspect customers per command at most; above it the whole integration is checked. The command
   * travels through workflow history (UpdateIntegrationWorkflow's Update and activity input): 1,000 ids of at most
   * 64 characters stay under 70 KB.
   */
  public static final int MAX_CUSTOMERS = 1_000;

  /** Every Schedule of the integration. */
  public RepairCommand(String integrationId, String scanId, int maxIds, boolean skipStale) {
    this(integrationId, scanId, maxIds, skipStale, null);
  }

  public RepairCommand withSkipStale(boolean skip) {
    return new RepairCommand(integrationId, scanId, maxIds, skip, customerIds);
  }

  /** Whether every Schedule is described (no list of suspects, or too many of them). */
  public boolean everySchedule() {
    return customerIds == null || customerIds.size() > MAX_CUSTOMERS;
  }
}
