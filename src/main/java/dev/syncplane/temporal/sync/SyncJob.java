package dev.syncplane.temporal.sync;

/** One sync to run and record; times are epoch millis taken from workflow time, never the wall clock. */
public record SyncJob(
    SyncRequest request,
    String workflowId,
    String runId,
    Long configVersion,
    Long scheduledAtMs,
    long startedAtMs) {}
