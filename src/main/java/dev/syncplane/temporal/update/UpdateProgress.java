package dev.syncplane.temporal.update;

/** UpdateIntegrationWorkflow's phase, for the query {@code progress} and the Temporal UI. */
public record UpdateProgress(String phase, long lastCommittedVersion, long passVersion, int total, int applied) {

  public static final String IDLE = "IDLE";
  public static final String PROPAGATING = "PROPAGATING";
  public static final String DELETING = "DELETING";
}
