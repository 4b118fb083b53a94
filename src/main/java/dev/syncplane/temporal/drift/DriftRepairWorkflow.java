package dev.syncplane.temporal.drift;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The backstop, workflow id {@code drift-repair} (one per namespace; the service starts it at boot if it
 * is not running). Every {@code driftRepair.interval} it compares the DB with the Schedules in Temporal
 * and has each drifted integration's UpdateIntegrationWorkflow repair it. From the CLI:
 * {@code temporal workflow signal --workflow-id drift-repair --name repairNow},
 * {@code temporal workflow query --workflow-id drift-repair --type lastReport},
 * {@code temporal workflow update execute --workflow-id drift-repair --name repair} (add
 * {@code --input '"list"'} for a list-based run).
 */
@WorkflowInterface
public interface DriftRepairWorkflow {

  @WorkflowMethod
  void run(DriftRepairInput input);

  /**
   * The {@code driftRepair} settings a replica started with (sent by {@link DriftRepairStarter} at its start): they
   * apply at once, so a shorter interval takes effect at most one new interval later, not after the run already
   * planned with the old one.
   */
  @SignalMethod
  void settingsChanged(DriftSettings settings);

  /** A deep scan of everything, now. */
  @SignalMethod
  void repairNow();

  /** Re-check (deep) one integration's Schedules, now. */
  @SignalMethod
  void repairIntegration(String integrationId);

  /** The newest report; null before the first run. */
  @QueryMethod
  DriftReport lastReport();

  @QueryMethod
  DriftState state();

  /**
   * A scan that starts after this request; returns its report.
   *
   * @param scan {@code deep} (also when absent or null: every Schedule described) or {@code list} (only
   *     the Schedules the list shows as drifted, missing or orphaned; deep all the same if a deep run
   *     was asked for meanwhile)
   */
  @UpdateMethod
  DriftReport repair(String scan);

  /** Refuses a {@code scan} other than {@code deep} or {@code list}. */
  @UpdateValidatorMethod(updateName = "repair")
  void validateRepair(String scan);
}
