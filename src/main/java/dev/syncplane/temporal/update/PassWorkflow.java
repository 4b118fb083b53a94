package dev.syncplane.temporal.update;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One fan-out pass of one integration, workflow id {@code integration-pass:<id>:v<version>}: a child of the
 * integration's {@link UpdateIntegrationWorkflow}, which holds its Schedule-write lock while the pass runs. Its input
 * states the change (versions, settings, old and new values, update ids), its result the outcome.
 */
@WorkflowInterface
public interface PassWorkflow {
  @WorkflowMethod
  PassResult run(PassInput input);
}
