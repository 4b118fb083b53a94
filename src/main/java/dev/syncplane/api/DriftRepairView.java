package dev.syncplane.api;

import dev.syncplane.temporal.drift.DriftReport;
import java.time.Instant;

/**
 * {@code GET /api/v1/drift-repair}: the newest report (from the DB) and when the next periodic run is due.
 *
 * @param workflowRunning whether {@code drift-repair} answered its query
 * @param scanning a run is under way right now
 */
public record DriftRepairView(
    String workflowId,
    boolean workflowRunning,
    boolean scanning,
    Instant nextRunAt,
    String temporalUiUrl,
    DriftReport lastReport) {}
