package dev.syncplane.temporal.update;

/**
 * The three steps of a fan-out pass, which {@link ScheduleActivitiesImpl} composes into its {@code beginPass} and
 * {@code continuePass} activities: begin at the newest committed version, write one page of Schedules, finish.
 * Not activities themselves: a pass of N pages takes N activities.
 */
public interface PassSteps {

  /**
   * Begins a pass at the newest committed version, carried by {@code start}'s run; {@code exists} is false once the
   * integration is gone.
   */
  FanOutStart begin(PassStart start);

  /** Applies the newest committed config to one page of the integration's Schedules. */
  BatchResult write(BatchRequest request);

  /** Marks the update runs this pass carried as applied, and returns their ids. Idempotent. */
  java.util.List<String> finish(String integrationId, long version);
}
