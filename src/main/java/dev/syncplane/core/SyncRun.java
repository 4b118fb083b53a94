package dev.syncplane.core;

import java.time.Instant;

/** One execution of a connection's sync, as recorded by SyncConnectionWorkflow. */
public record SyncRun(
    long id,
    String connectionId,
    String integrationId,
    String workflowId,
    String runId,
    Long configVersion,
    Instant scheduledAt,
    Instant startedAt,
    Instant finishedAt,
    String status,
    long records,
    String error) {}
