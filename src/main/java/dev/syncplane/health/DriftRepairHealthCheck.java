package dev.syncplane.health;

import com.codahale.metrics.health.HealthCheck;
import dev.syncplane.temporal.Names;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.util.Optional;

/** Red unless the {@code drift-repair} workflow is running: without it nothing repairs drift. */
public class DriftRepairHealthCheck extends HealthCheck {
  private final WorkflowClient client;

  public DriftRepairHealthCheck(WorkflowClient client) {
    this.client = client;
  }

  @Override
  protected Result check() {
    try {
      WorkflowExecutionStatus status =
          client.newUntypedWorkflowStub(Names.DRIFT_REPAIR_WORKFLOW_ID, Optional.empty(), Optional.empty())
              .describe()
              .getStatus();
      return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          ? Result.healthy("%s is running", Names.DRIFT_REPAIR_WORKFLOW_ID)
          : Result.unhealthy("%s is %s; the service restarts it at boot", Names.DRIFT_REPAIR_WORKFLOW_ID, status);
    } catch (RuntimeException e) {
      return Result.unhealthy("%s not found or Temporal unreachable: %s", Names.DRIFT_REPAIR_WORKFLOW_ID, e.getMessage());
    }
  }
}
