package dev.syncplane.temporal.sync;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Started by a connection's Schedule (or by "sync now"): runs the provider's connector once. */
@WorkflowInterface
public interface SyncConnectionWorkflow {
  @WorkflowMethod
  SyncOutcome sync(SyncRequest request);
}
