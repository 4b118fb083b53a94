package dev.syncplane.temporal.drift;

/** The {@code driftRepair} configuration as the workflow sees it, re-read every cycle. */
public record DriftSettings(long intervalMs, int deepScanEvery, int maxIdsInReport) {}
