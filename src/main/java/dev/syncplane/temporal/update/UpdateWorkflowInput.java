package dev.syncplane.temporal.update;

/**
 * Starts, or continues as new, an integration's executor. The pending flags carry work across
 * continue-as-new so that nothing accepted is forgotten.
 */
public record UpdateWorkflowInput(
    String integrationId, long idleTimeoutMs, boolean fanOutPending, String pendingDeleteId) {

  public static UpdateWorkflowInput fresh(String integrationId, long idleTimeoutMs) {
    return new UpdateWorkflowInput(integrationId, idleTimeoutMs, false, null);
  }
}
