package dev.syncplane.api;

/** {@code POST /api/v1/drift-repair} answered 202: the run goes on; its report will show in GET. */
public record DriftRepairPending(String workflowId, String updateId, String state, String temporalUiUrl) {}
