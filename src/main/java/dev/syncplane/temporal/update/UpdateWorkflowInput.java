package dev.syncplane.temporal.update;

/**
 * Starts, or continues as new, an integration's UpdateIntegrationWorkflow. Everything after {@code idleTimeoutMs} but the last is
 * carried across continue-as-new so that nothing accepted is forgotten: a pass still to run, a pass
 * half done, a delete in progress.
 */
public record UpdateWorkflowInput(
    String integrationId,
    long idleTimeoutMs,
    boolean fanOutPending,
    String pendingDeleteId,
    PassState resume,
    long lastCommittedVersion,
    long minPassIntervalMs,
    long maxPassIntervalMs) {

  /** {@code minPassIntervalMs}, {@code maxPassIntervalMs}: see {@code SyncplaneConfiguration.FanOut}. */
  public static UpdateWorkflowInput fresh(
      String integrationId, long idleTimeoutMs, long minPassIntervalMs, long maxPassIntervalMs) {
    return new UpdateWorkflowInput(integrationId, idleTimeoutMs, false, null, null, 0, minPassIntervalMs, maxPassIntervalMs);
  }
}
