package dev.syncplane.temporal.update;

import dev.syncplane.core.Commit;
import dev.syncplane.core.UpdateRun;
import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One integration's workflow, workflow id {@code integration-update:<id>}. Every Schedule write of the
 * integration (config fan-out, connect, disconnect, delete, drift repair) runs inside it, one at a time, so no two
 * writers can race. Callers reach it with update-with-start.
 */
@WorkflowInterface
public interface UpdateIntegrationWorkflow {

  /** Why an update was rejected by its validator; callers match on these. */
  String REJECT_DELETING = "integration is being deleted";
  String REJECT_RETRY = "the integration's workflow is continuing as new; retry";

  @WorkflowMethod
  void run(UpdateWorkflowInput input);

  /** Commits a change to the DB and returns once it has committed; the fan-out follows. */
  @UpdateMethod
  Commit change(ChangeCommand command);

  @UpdateValidatorMethod(updateName = "change")
  void validateChange(ChangeCommand command);

  /** Adds a connection and creates its Schedule with the newest committed config. */
  @UpdateMethod
  ConnectResult connect(ConnectCommand command);

  @UpdateValidatorMethod(updateName = "connect")
  void validateConnect(ConnectCommand command);

  /** Removes a connection and its Schedule; returns whether there was one. */
  @UpdateMethod
  boolean disconnect(DisconnectCommand command);

  /** Marks the integration deleted; the workflow then removes every Schedule and row, and ends. */
  @UpdateMethod
  UpdateRun delete(DeleteCommand command);

  /**
   * Drift repair of this integration: re-reads the DB, describes each Schedule and repairs what is really
   * wrong, under the same lock as every other Schedule write. Sent by the drift-repair workflow.
   */
  @UpdateMethod
  IntegrationRepair repair(RepairCommand command);

  @UpdateValidatorMethod(updateName = "repair")
  void validateRepair(RepairCommand command);

  @QueryMethod
  UpdateProgress progress();

  /** From the pass under way ({@link PassWorkflow#yieldTurn}): it stopped between two batches and waits. */
  @SignalMethod
  void passPaused();
}
