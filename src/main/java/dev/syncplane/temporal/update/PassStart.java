package dev.syncplane.temporal.update;

/** A pass begins: the run that carries it ({@code workflowId}, {@code runId}), which its update runs then link to. */
public record PassStart(String integrationId, String workflowId, String runId) {}
