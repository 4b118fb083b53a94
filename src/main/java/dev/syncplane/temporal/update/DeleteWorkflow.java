package dev.syncplane.temporal.update;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Deletes an integration's Schedules and rows, workflow id {@code integration-delete:<id>}: a child of the
 * integration's {@link UpdateIntegrationWorkflow}, which holds its Schedule-write lock meanwhile and then ends.
 */
@WorkflowInterface
public interface DeleteWorkflow {
  @WorkflowMethod
  DeleteResult run(DeleteCommand command);
}
