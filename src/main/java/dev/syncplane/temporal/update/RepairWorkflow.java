package dev.syncplane.temporal.update;

import dev.syncplane.temporal.drift.IntegrationRepair;
import dev.syncplane.temporal.drift.RepairCommand;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Drift repair of one integration, workflow id {@code integration-repair:<id>:<scan id>}: a child of the
 * integration's {@link UpdateIntegrationWorkflow}, under its Schedule-write lock. Its result says what was wrong and
 * what was repaired.
 */
@WorkflowInterface
public interface RepairWorkflow {
  @WorkflowMethod
  IntegrationRepair run(RepairCommand command);
}
