package dev.syncplane.temporal.drift;

import java.util.List;

/** Some suspect integrations, each to be re-checked and repaired inside its own executor. */
public record RepairBatch(String scanId, List<String> integrationIds, int maxIds) {}
