package dev.syncplane.temporal.drift;

import dev.syncplane.temporal.Names;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;

/** Starts {@code drift-repair} unless it is already running: never two (one workflow id, USE_EXISTING). */
public final class DriftRepairStarter {
  private DriftRepairStarter() {}

  public static void ensureRunning(WorkflowClient client) {
    DriftRepairWorkflow workflow =
        client.newWorkflowStub(
            DriftRepairWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(Names.DRIFT_REPAIR_WORKFLOW_ID)
                .setTaskQueue(Names.CONTROL_TASK_QUEUE)
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());
    try {
      WorkflowClient.start(workflow::run, DriftRepairInput.fresh());
    } catch (WorkflowExecutionAlreadyStarted running) {
      // another replica started it first
    }
  }
}
