package dev.syncplane.temporal.drift;

/**
 * Starts, or continues as new, the drift-repair workflow.
 *
 * @param lastReport the newest report, carried so that {@code lastReport} answers across runs (null at first)
 * @param cycle periodic scans so far, for "every Nth scan is deep"
 * @param nextRunAtMillis when the next periodic scan is due; 0 = one interval from now
 * @param resumeAfter where the next scan goes on when there were more suspects than one run takes
 */
public record DriftRepairInput(DriftReport lastReport, long cycle, long nextRunAtMillis, String resumeAfter) {
  public static DriftRepairInput fresh() {
    return new DriftRepairInput(null, 0, 0, null);
  }
}
