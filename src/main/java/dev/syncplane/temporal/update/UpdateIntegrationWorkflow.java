package dev.syncplane.temporal.update;

import dev.syncplane.core.Commit;
import dev.syncplane.core.UpdateRun;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One integration's executor, workflow id {@code integration-update:<id>}. Every Schedule write of the
 * integration (config fan-out, connect, disconnect, delete) runs inside it, one at a time, so no two
 * writers can race. Callers reach it with update-with-start.
 */
@WorkflowInterface
public interface UpdateIntegrationWorkflow {

  /** Why an update was rejected by its validator; callers match on these. */
  String REJECT_DELETING = "integration is being deleted";
  String REJECT_RETRY = "executor is continuing as new; retry";

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

  @QueryMethod
  UpdateProgress progress();
}
