package dev.syncplane.temporal.update;

import io.temporal.workflow.SignalMethod;
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

  /**
   * From the parent: a connect, disconnect or drift repair waits for the lock. After its current batch the pass
   * signals the parent {@link UpdateIntegrationWorkflow#passPaused} and waits for {@link #resumeTurn}.
   */
  @SignalMethod
  void yieldTurn();

  /** From the parent: the waiting writes are done; the pass goes on with its next batch. */
  @SignalMethod
  void resumeTurn();
}
