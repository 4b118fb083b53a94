package dev.syncplane.temporal.update;

import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import io.temporal.activity.ActivityInterface;

/**
 * The Schedule writes of UpdateIntegrationWorkflow. Only ever called by it, one at a time per integration; each
 * write is fenced by the integration's committed version, read right before it ({@code ScheduleGateway.apply}),
 * so even an attempt that outlived its timeout cannot put an older config back.
 */
@ActivityInterface
public interface ScheduleActivities {

  /**
   * Begins a fan-out pass at the newest committed version, applies it to the first page of the integration's
   * Schedules, and finishes the pass if that page was the last. Most integrations fit in one page: their whole
   * pass is this one activity. The pass's update runs link to {@code start}'s run from now on.
   */
  FirstBatch beginPass(PassStart start);

  /** Applies the newest committed config to the next page and, if that page was the last, finishes the pass. */
  BatchResult continuePass(BatchRequest request, long passVersion);

  ConnectResult connect(ConnectCommand command);

  /** Returns whether a Schedule was deleted. */
  boolean disconnect(DisconnectCommand command);

  /** Drift repair of one integration: describes each Schedule, repairs what differs from the DB, deletes orphans. */
  IntegrationRepair repair(RepairCommand command);

  /** Deletes one page of the integration's Schedules and connection rows; done when none are left. */
  BatchResult deleteBatch(String integrationId);
}
