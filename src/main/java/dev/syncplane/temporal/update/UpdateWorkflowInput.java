package dev.syncplane.temporal.update;

import java.util.List;

/**
 * Starts, or continues as new, an integration's UpdateIntegrationWorkflow. Everything after {@code idleTimeoutMs} but
 * the last two is carried across continue-as-new so that nothing accepted is forgotten: a pass still to run (and the
 * changes it will carry), a delete in progress.
 */
public record UpdateWorkflowInput(
    String integrationId,
    long idleTimeoutMs,
    boolean fanOutPending,
    String pendingDeleteId,
    List<PassChange> pendingChanges,
    int changesLeftOut,
    long lastCommittedVersion,
    long minPassIntervalMs,
    long maxPassIntervalMs) {

  public UpdateWorkflowInput {
    pendingChanges = pendingChanges == null ? List.of() : List.copyOf(pendingChanges);
  }

  /** {@code minPassIntervalMs}, {@code maxPassIntervalMs}: see {@code SyncplaneConfiguration.FanOut}. */
  public static UpdateWorkflowInput fresh(
      String integrationId, long idleTimeoutMs, long minPassIntervalMs, long maxPassIntervalMs) {
    return new UpdateWorkflowInput(
        integrationId, idleTimeoutMs, false, null, List.of(), 0, 0, minPassIntervalMs, maxPassIntervalMs);
  }
}
