package dev.syncplane.temporal.drift;

import dev.syncplane.temporal.Names;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;

/**
 * Starts {@code drift-repair} unless it is already running: never two (one workflow id, USE_EXISTING). The first
 * call of a replica also tells the workflow the settings this replica started with ({@code settingsChanged},
 * signal-with-start), so that a changed interval applies from the next start of a replica; later calls only make
 * sure the workflow runs.
 */
public final class DriftRepairStarter implements Runnable {
  private final WorkflowClient client;
  private final DriftSettings settings;
  private volatile boolean announced;

  public DriftRepairStarter(WorkflowClient client, DriftSettings settings) {
    this.client = client;
    this.settings = settings;
  }

  @Override
  public void run() {
    if (announced) {
      ensureRunning(client);
      return;
    }
    DriftRepairWorkflow workflow = stub(client);
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(workflow::run, DriftRepairInput.fresh());
    request.add(workflow::settingsChanged, settings);
    client.signalWithStart(request);
    announced = true;
  }

  public static void ensureRunning(WorkflowClient client) {
    try {
      WorkflowClient.start(stub(client)::run, DriftRepairInput.fresh());
    } catch (WorkflowExecutionAlreadyStarted running) {
      // another replica started it first
    }
  }

  private static DriftRepairWorkflow stub(WorkflowClient client) {
    return client.newWorkflowStub(
        DriftRepairWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(Names.DRIFT_REPAIR_WORKFLOW_ID)
            .setTaskQueue(Names.CONTROL_TASK_QUEUE)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .build());
  }
}
