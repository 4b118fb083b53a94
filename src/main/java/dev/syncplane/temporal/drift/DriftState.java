package dev.syncplane.temporal.drift;

import java.time.Instant;

/** What the drift-repair workflow is doing: the answer of its {@code state} query. */
public record DriftState(boolean running, Instant nextRunAt, DriftReport lastReport) {}
