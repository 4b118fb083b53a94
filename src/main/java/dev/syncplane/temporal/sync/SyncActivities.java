package dev.syncplane.temporal.sync;

import io.temporal.activity.ActivityInterface;

@ActivityInterface
public interface SyncActivities {
  /** Runs the connector and records the run in {@code sync_runs}; recording the same run twice is a no-op. */
  SyncOutcome runSync(SyncJob job);
}
