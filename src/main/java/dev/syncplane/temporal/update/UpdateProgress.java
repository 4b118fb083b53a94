package dev.syncplane.temporal.update;

/**
 * What an integration's workflow is doing: {@code phase}, the newest version it committed, and the run it is waiting
 * for ({@code runWorkflowId}, the pass or delete under way; null when idle) with the version that pass was started for.
 */
public record UpdateProgress(String phase, long lastCommittedVersion, long passVersion, String runWorkflowId) {
  public static final String IDLE = "IDLE";
  public static final String PROPAGATING = "PROPAGATING";
  public static final String DELETING = "DELETING";
}
