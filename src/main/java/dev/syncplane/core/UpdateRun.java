package dev.syncplane.core;

import java.time.Instant;

/** One accepted change (or delete) of an Integration, and how far it has propagated. */
public record UpdateRun(
    String id,
    String integrationId,
    UpdateKind kind,
    Long version,
    UpdateState state,
    String idempotencyKey,
    int schedulesTotal,
    int schedulesApplied,
    String workflowId,
    String runId,
    Instant createdAt,
    Instant finishedAt) {}
