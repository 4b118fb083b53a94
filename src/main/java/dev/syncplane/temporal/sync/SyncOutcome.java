package dev.syncplane.temporal.sync;

/** What one sync did; {@code status} is SUCCEEDED, FAILED or SKIPPED (connection gone). */
public record SyncOutcome(String status, long records, String error) {}
